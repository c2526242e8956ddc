import { afterEach, describe, expect, it } from 'vitest';
import { AEP, aepCanary, aepRevision } from './support/releases.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const PREVIEW_RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/aep-prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/7b5d3f9c2e4a6b81';

describe('/health/ready answering 503', () => {
  it('reverts after the ready check has failed for its 2 minutes, checked over real HTTP', async () => {
    // A preview rule sends requests for aep-preview.example.com to the new colour only, so the
    // ready check judges the revision being rolled out, as the runbook's curl does after a deploy.
    const world = await demoWorld((w) => {
      w.taskDefinitions.push(aepRevision(14, { ready: false }));
      w.rules = [...(w.rules ?? []), { arn: PREVIEW_RULE, forward: [{ targetGroupArn: AEP.greenTg, weight: 1 }] }];
      w.endpoints = [...(w.endpoints ?? []), { host: 'aep-preview.example.com', ruleArn: PREVIEW_RULE }];
    });
    const withReadyCheck = (revision: string) =>
      aepCanary(revision, (r) => {
        r.spec.health = {
          interval: '15s',
          conditions: [{ name: 'ready', http: { url: 'https://aep-preview.example.com/health/ready', expectStatus: 200, timeout: '5s' }, failFor: '2m' }],
        };
      });
    s = await scenario({ world, release: withReadyCheck('aep-backend-prod:11'), listener: { listenerArn: AEP.listener }, http: true });
    await s.run(60_000);
    s.apply(withReadyCheck('aep-backend-prod:14'));
    await s.runUntil((st) => st?.phase === 'Degraded' && st.rollout === null, 20 * 60_000);

    const status = await s.current();
    expect(status.lastRevert).toMatchObject({ condition: 'ready', value: 503, failFor: '2m', revision: 'aep-backend-prod:14' });
    const failingFor = Date.parse(status.lastRevert?.revertedAt as string) - Date.parse(status.lastRevert?.failingSince as string);
    expect(failingFor).toBeGreaterThanOrEqual(2 * 60_000);
    expect(failingFor).toBeLessThanOrEqual(2 * 60_000 + 15_000);
    expect(status.weights).toEqual({ blue: 100, green: 0 });
    expect(s.violations).toEqual([]);
  });
});
