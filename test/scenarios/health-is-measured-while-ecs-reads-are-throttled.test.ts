import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import { AWS_DEFAULTS } from '../../src/cloud/aws/defaults.js';
import { longestThrottledCallMs } from '../../src/sim/sdk-retry.js';
import { AEP, aepCanary, BLUE_100 } from './support/releases.js';
import { metricRevertBound } from './support/metric-lag.js';
import { demoWorld, scenario, type Scenario } from './support/scenario.js';

let s: Scenario | undefined;
afterEach(async () => s?.close());

const FAIL_FOR = 60_000;
const INTERVAL = 15_000;
// The pass that reverts reads ECS first (DescribeServices, then ListTasks), and the AWS SDK retries
// each throttled read before keelson sees it fail, as it does on AWS
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html): the revert comes
// that much later.
const ECS_READS_PER_PASS = 2;
const SDK_RETRYING = ECS_READS_PER_PASS * longestThrottledCallMs(AWS_DEFAULTS.maxAttempts, AWS_DEFAULTS.retryMode);

describe('ECS reads throttled while a bad canary takes traffic', () => {
  it('still measures health and reverts within one interval of failFor or of the bad minute being published, plus the SDK retrying its ECS reads, says what it could not read, and scales the colour down once ECS answers', async () => {
    s = await scenario({ world: await demoWorld(), release: aepCanary('aep-backend-prod:11'), listener: { listenerArn: AEP.listener } });
    await s.run(60_000);
    s.apply(aepCanary('aep-backend-prod:12'));
    await s.runUntil((st) => st?.weights?.green === 10, 10 * 60_000);

    // From here 90% of ECS calls are throttled for 10 minutes, and the canary starts failing.
    const storm = s.clock.now();
    const at = `${Math.round((storm - s.startedAt) / 1000)}s`;
    s.sim.outOfBand.addFault({ kind: 'throttle', service: 'ecs', at, for: '10m', probability: 0.9 });
    s.sim.outOfBand.addFault({ kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at, errorRate: 0.3 });

    const seen: ReleaseStatus[] = [];
    await s.runUntil((st) => {
      if (st) seen.push(st);
      return st?.blockedRevision === 'aep-backend-prod:12';
    }, 10 * 60_000);

    const status = await s.current();
    expect(status.lastRevert).toMatchObject({ revision: 'aep-backend-prod:12', condition: 'errors' });
    const failingSince = Date.parse(status.lastRevert?.failingSince as string);
    // The first bad datapoint is seen within a health interval of the first period that holds it.
    expect(failingSince - storm).toBeLessThanOrEqual(60_000 + INTERVAL);
    // Reverted within one interval of failFor, or of the first bad period being published if later.
    const restored = s.weightWrites.find((w) => BLUE_100(w) && w.at >= storm);
    expect((restored?.at ?? Infinity) - failingSince).toBeLessThanOrEqual(metricRevertBound(FAIL_FOR, INTERVAL) + SDK_RETRYING);

    // Throttled ECS calls there were, and status said so with the API and the code.
    expect(s.sim.rejectedCalls['ecs:DescribeServices']?.Throttled ?? 0).toBeGreaterThan(0);
    const incomplete = seen.flatMap((st) => st.conditions ?? []).find((c) => c.type === 'ObservationIncomplete');
    expect(incomplete).toMatchObject({ status: 'True', reason: 'ReadFailed', message: expect.stringMatching(/ecs:\w+ Throttled/) });
    // No step moved while the canary was bad: green never went past 10%.
    expect(s.weightWrites.every((w) => (w.weights.find((x) => x.targetGroupArn === AEP.greenTg)?.weight ?? 0) <= 10)).toBe(true);

    // Once ECS answers, the failed colour is scaled down and the condition goes away.
    await s.run(12 * 60_000);
    const after = await s.current();
    expect(s.sim.inspect.service(AEP.cluster, AEP.green).desiredCount).toBe(0);
    expect(after).toMatchObject({ phase: 'Degraded', rollout: null, weights: { blue: 100, green: 0 } });
    expect(after.conditions?.find((c) => c.type === 'ObservationIncomplete')).toBeUndefined();
    expect(s.violations).toEqual([]);
  });
});
