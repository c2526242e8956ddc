// Every pass that fails leaves a status, one log line with the error code, and a metric; a
// terminal error stops writes (Stalled) and is looked at again only slowly.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../src/api/types.js';
import { CloudError } from '../../src/cloud/errors.js';
import type { CloudProvider } from '../../src/cloud/ports.js';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import type { SimWorld } from '../../src/sim/world.js';
import { AEP, aepCanary } from './support/releases.js';
import { demoWorld } from './support/scenario.js';

const NAME = 'aep-backend-prod';
const condition = (st: ReleaseStatus | undefined, type: string) => st?.conditions?.find((c) => c.type === type);

interface LogLine {
  level: number;
  msg: string;
  release?: string;
  code?: string;
  reason?: string;
}

let stage: Stage | undefined;
afterEach(async () => {
  await stage?.close();
  stage = undefined;
});

async function start(world: SimWorld, wrapCloud?: (cloud: CloudProvider) => CloudProvider) {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const metrics = new ControllerMetrics();
  stage = await createStage({ world, logger, metrics, ...(wrapCloud ? { wrapCloud: (cloud) => wrapCloud(cloud) } : {}) });
  const failures = () => lines.filter((l) => l.release === NAME && l.code !== undefined);
  const errorsCounted = async (code: string): Promise<number> => {
    const text = await metrics.render();
    const line = text.split('\n').find((l) => l.startsWith(`keelson_reconcile_errors_total{code="${code}"} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };
  return { stage, lines, failures, errorsCounted };
}

describe('a pass that fails with a retryable error', () => {
  it('keeps its phase, says what failed and when it retries, logs the code once, counts it, and clears after', async () => {
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '2m', for: '2m' }];
    });
    const t = await start(world);
    t.stage.source.apply(aepCanary('aep-backend-prod:11'));
    await t.stage.advance(60_000);
    expect((await t.stage.status(NAME))?.phase).toBe('Healthy');
    expect(t.failures()).toEqual([]);

    // The AWS SDK retries each throttled call (up to AWS_DEFAULTS.maxAttempts attempts, seconds of
    // backoff) before keelson sees Throttled: the first failed pass ends some seconds into the storm.
    await t.stage.advance(90_000);
    const during = await t.stage.status(NAME);
    expect(during?.phase).toBe('Healthy');
    expect(during?.message).toMatch(/^ECS DescribeServices throttled; retrying in \d+m?s$/);
    expect(condition(during, 'Reconciling')).toMatchObject({ status: 'True', reason: 'RetryingAfterError' });
    expect(condition(during, 'Stalled')).toBeUndefined();
    const failed = t.failures();
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) expect(line).toMatchObject({ code: 'Throttled', reason: 'RetryingAfterError', level: 40 });
    // One line per failed pass, the same count as the metric.
    expect(await t.errorsCounted('Throttled')).toBe(failed.length);

    await t.stage.advance(3 * 60_000);
    const after = await t.stage.status(NAME);
    expect(after?.phase).toBe('Healthy');
    expect(after?.message).not.toMatch(/throttled/);
    expect(condition(after, 'Reconciling')).toBeUndefined();
  });

  it('does not move observedGeneration when the writes of a new spec fail', async () => {
    const world = await demoWorld((w) => {
      w.faults = [{ kind: 'serverError', service: 'ecs', operations: ['UpdateService'], at: '1m', for: '2m' }];
    });
    const t = await start(world);
    t.stage.source.apply(aepCanary('aep-backend-prod:11'));
    await t.stage.advance(60_000);
    expect((await t.stage.status(NAME))?.observedGeneration).toBe(1);

    t.stage.source.apply(aepCanary('aep-backend-prod:12'));
    await t.stage.advance(30_000);
    const failing = await t.stage.status(NAME);
    expect(failing?.observedGeneration).toBe(1);
    expect(failing?.message).toMatch(/ECS UpdateService unavailable; retrying in \d+s/);
    expect(await t.errorsCounted('Unavailable')).toBeGreaterThan(0);

    await t.stage.advance(3 * 60_000);
    const clean = await t.stage.status(NAME);
    expect(clean?.observedGeneration).toBe(2);
    expect(clean?.phase).toBe('Progressing');
  });

  it('counts an unexpected error as Internal and still writes a status', async () => {
    const broken: (cloud: CloudProvider) => CloudProvider = (cloud) => (region) => {
      const ports = cloud(region);
      return { ...ports, scaling: { ...ports.scaling, describeScalableTarget: () => Promise.reject(new TypeError('cannot read properties of undefined')) } };
    };
    const t = await start(await demoWorld(), broken);
    t.stage.source.apply(aepCanary('aep-backend-prod:11'));
    await t.stage.advance(10_000);
    const st = await t.stage.status(NAME);
    expect(st?.phase).toBe('Pending');
    expect(st?.message).toMatch(/cannot read properties of undefined; retrying in \d+s/);
    expect(condition(st, 'Reconciling')).toMatchObject({ status: 'True', reason: 'RetryingAfterError' });
    expect(t.failures()[0]).toMatchObject({ code: 'Internal', level: 50 });
    expect(await t.errorsCounted('Internal')).toBeGreaterThan(0);
  });
});

describe('a pass that fails with a terminal error', () => {
  const deniedWrites: (cloud: CloudProvider) => CloudProvider = (cloud) => (region) => {
    const ports = cloud(region);
    return {
      ...ports,
      lb: {
        ...ports.lb,
        setWeights: () =>
          Promise.reject(new CloudError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/keelson is not authorized to perform: elasticloadbalancing:ModifyListener', {
            service: 'elasticloadbalancing',
            operation: 'ModifyListener',
            awsCode: 'AccessDenied',
          })),
      },
    };
  };

  it('stalls: no writes, looked at again every 5 minutes, one error line and a count per failed pass', async () => {
    const t = await start(await demoWorld(), deniedWrites);
    t.stage.source.apply(aepCanary('aep-backend-prod:11'));
    await t.stage.advance(60_000);
    // A deadline beyond the 15 minutes watched: what is shown is the stall, not a revert on the deadline.
    t.stage.source.apply(aepCanary('aep-backend-prod:12', (r) => (r.spec.progressDeadline = '30m')));
    // Green comes up, then the first weight write is refused.
    await t.stage.advance(4 * 60_000);
    const st = await t.stage.status(NAME);
    expect(st?.phase).toBe('Stalled');
    expect(condition(st, 'Stalled')).toMatchObject({ status: 'True', reason: 'AccessDenied' });
    expect(condition(st, 'Stalled')?.message).toContain('not authorized to perform: elasticloadbalancing:ModifyListener');
    expect(condition(st, 'Progressing')).toBeUndefined();
    expect(t.failures()).toHaveLength(1);
    expect(t.failures()[0]).toMatchObject({ code: 'AccessDenied', reason: 'AccessDenied', level: 50 });

    const updatesBefore = t.stage.sim.calls['ecs:UpdateService'] ?? 0;
    const describesBefore = t.stage.sim.calls['ecs:DescribeServices'] ?? 0;
    await t.stage.advance(11 * 60_000);
    // Two slow retries in 11 minutes; no resync in between reads or writes anything.
    expect(t.failures()).toHaveLength(3);
    expect(await t.errorsCounted('AccessDenied')).toBe(3);
    expect((t.stage.sim.calls['ecs:DescribeServices'] ?? 0) - describesBefore).toBe(2);
    expect(t.stage.sim.calls['ecs:UpdateService'] ?? 0).toBe(updatesBefore);
    expect(t.stage.sim.inspect.weights({ listenerArn: AEP.listener }).find((w) => w.targetGroupArn === AEP.blueTg)?.weight).toBe(100);
  });
});
