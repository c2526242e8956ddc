// The simulated world in its own process (bench/support/world-process.ts) stands in for the
// in-process Simulator: the same controller on the same world makes the same calls and brings
// its Releases to the same state, and the world's errors arrive as the same class and code.
import { afterEach, describe, expect, it } from 'vitest';
import { scaleStacks, scaleWorld, type ScaleStack } from '../../bench/support/scale-world.js';
import { WorldProcess } from '../../bench/support/world-process.js';
import { CloudError } from '../../src/cloud/errors.js';
import { createStage, type Stage, type StageSim } from '../../src/rehearse/stage.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { driveClock } from '../../src/sim/clock-waits.js';
import { Simulator } from '../../src/sim/simulator.js';
import type { SimWorld } from '../../src/sim/world.js';
import { aepCanary, aepFrontendRolling, AEP } from '../scenarios/support/releases.js';
import { demoWorld } from '../scenarios/support/scenario.js';

const worlds: WorldProcess[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function worldProcess(world: SimWorld, clock: VirtualClock): Promise<WorldProcess> {
  const w = await WorldProcess.start({ world, clock });
  worlds.push(w);
  return w;
}

type Sim = StageSim & Pick<Simulator, 'rejectedCalls'>;

interface Outcome {
  calls: Record<string, number>;
  rejectedCalls: Record<string, unknown>;
  statuses: unknown[];
  weights: unknown[];
  events: string[];
}

/** The demo world's AEP backend rolls from revision 11 to 12 over 15 virtual minutes, with traffic and its CloudWatch metrics. */
async function rollout(world: SimWorld, outOfProcess: boolean): Promise<Outcome> {
  const clock = new VirtualClock(world.start as string);
  const sim = outOfProcess ? await worldProcess(world, clock) : undefined;
  const stage: Stage<Sim> = await createStage<Sim>({ world, clock, concurrency: 4, ...(sim ? { sim } : {}) });
  try {
    stage.source.apply(aepCanary('aep-backend-prod:11'));
    stage.source.apply(aepFrontendRolling('aep-frontend-prod:7'));
    await stage.advance(60_000);
    stage.source.apply(aepCanary('aep-backend-prod:12'));
    await stage.advance(15 * 60_000, { stepMs: 5_000 });
    const ports = stage.sim.provider(undefined);
    return {
      calls: { ...stage.sim.calls },
      rejectedCalls: structuredClone(stage.sim.rejectedCalls),
      statuses: await Promise.all(['aep-backend-prod', 'aep-frontend-prod'].map((name) => stage.status(name))),
      // Read back through the ports after the counts were taken.
      weights: await ports.lb.readWeights({ listenerArn: AEP.listener }),
      events: stage.events.map((e) => `${e.release} ${e.type}`),
    };
  } finally {
    await stage.close();
  }
}

describe('the simulated world in its own process', () => {
  it('gives the same calls and the same Release outcomes as in process, through a canary rollout', async () => {
    const world = await demoWorld();
    const inProcess = await rollout(world, false);
    const outOfProcess = await rollout(world, true);
    // The rollout did something worth comparing: weights moved, an analysis read CloudWatch, and it ended.
    expect(inProcess.calls['elbv2:ModifyListener'] ?? 0).toBeGreaterThan(1);
    expect(inProcess.calls['cloudwatch:GetMetricData'] ?? 0).toBeGreaterThan(0);
    expect(inProcess.events).toContain('aep-backend-prod Promoted');
    expect(outOfProcess).toEqual(inProcess);
  });

  it('gives the same calls and outcomes when the world throttles and the SDK retries wait on the clock, and a revision turns bad', async () => {
    const world = await demoWorld((w) => {
      w.faults = [
        { kind: 'throttle', service: 'elbv2', at: '90s', for: '40s' },
        { kind: 'revisionTurnsBad', taskDefinition: 'aep-backend-prod:12', at: '4m', errorRate: 0.5 },
      ];
    });
    const inProcess = await rollout(world, false);
    const outOfProcess = await rollout(world, true);
    expect(Object.keys(inProcess.rejectedCalls).some((op) => op.startsWith('elbv2:'))).toBe(true);
    expect(inProcess.events.some((e) => /Rollback|Revert|Abort/i.test(e))).toBe(true);
    expect(outOfProcess).toEqual(inProcess);
  });

  it('rethrows the world\'s errors as the same class with the same code and fields', async () => {
    const stacks = scaleStacks(1, 1);
    const world: SimWorld = { ...scaleWorld(stacks), faults: [{ kind: 'serverError', service: 'ecs', operations: ['DescribeServices'], at: '0s', for: '1h' }] };
    const stack = stacks[0] as ScaleStack;
    const failure = async (sim: { provider: Simulator['provider']; waits: Simulator['waits'] }, clock: VirtualClock): Promise<unknown> =>
      driveClock(clock, sim.waits, sim.provider(undefined).ecs.describeServices(stack.cluster, [stack.blue])).catch((err: unknown) => err);
    const clockIn = new VirtualClock(world.start as string);
    const expected = await failure(new Simulator({ world, clock: clockIn, seed: 7 }), clockIn);
    const clockOut = new VirtualClock(world.start as string);
    const remote = await worldProcess(world, clockOut);
    const got = await failure(remote, clockOut);
    expect(expected).toBeInstanceOf(CloudError);
    expect(got).toBeInstanceOf(CloudError);
    const fields = (e: CloudError) => ({ code: e.code, retryable: e.retryable, message: e.message, details: e.details });
    expect(fields(got as CloudError)).toEqual(fields(expected as CloudError));
    expect((got as CloudError).details.awsCode).toBe('ServiceUnavailable');
    // The SDK's attempts were made and waited on the clock in the world's process, as in process.
    expect(clockOut.now()).toBe(clockIn.now());
    expect(clockOut.now()).toBeGreaterThan(Date.parse(world.start as string));
    // A region the world does not have fails the same way as well.
    const other = await remote.provider('eu-west-1').ecs.describeServices(stack.cluster, [stack.blue]).catch((err: unknown) => err);
    expect(other).toBeInstanceOf(CloudError);
    expect((other as CloudError).details.awsCode).toBe('UnknownRegion');
  });
});
