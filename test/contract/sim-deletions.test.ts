// Deleting an ECS service or an ELB target group behind keelson's back (a person, a clean-up
// script, a chaos trial): the simulator refuses what AWS refuses and otherwise does what AWS
// documents, and keelson's ports see the result as they would on AWS.
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.js';
import { fixtureWorld, simulate } from '../unit/sim/fixtures.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const LISTENER = { listenerArn: `${ELB}:listener/app/orders-alb/1111111111111111/2222222222222222` };
const BLUE_TG = `${ELB}:targetgroup/orders-blue/00000000000000b1`;
const GREEN_TG = `${ELB}:targetgroup/orders-green/00000000000000a2`;

function refusal(fn: () => void): CloudError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CloudError) return err;
    throw err;
  }
  throw new Error('expected a CloudError, the call succeeded');
}

describe('ECS DeleteService out of band', () => {
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html: a service
  // can be deleted when its desired count is zero; otherwise only with force.
  it('is refused with InvalidParameterException while the service is scaled above 0, and nothing changes', async () => {
    const { sim } = simulate(fixtureWorld('contract-world.yaml'));
    const err = refusal(() => sim.outOfBand.deleteService('orders', 'orders-blue'));
    expect(err).toMatchObject({ code: 'Invalid', details: { service: 'ecs', operation: 'DeleteService', awsCode: 'InvalidParameterException' } });
    const described = await sim.provider(undefined).ecs.describeServices('orders', ['orders-blue']);
    expect(described.services[0]).toMatchObject({ status: 'ACTIVE', desiredCount: 2, runningCount: 2 });
  });

  // Same page: with tasks left to clean up the service is DRAINING (still described by
  // DescribeServices), then INACTIVE once its tasks have stopped; force deletes a service that
  // was not scaled to zero, and its tasks stop (deregistered and drained first).
  it('forced: DRAINING with desiredCount 0 while its tasks drain, then INACTIVE; still described; no task left', async () => {
    const { sim, clock } = simulate(fixtureWorld('contract-world.yaml'));
    const ecs = sim.provider(undefined).ecs;
    sim.outOfBand.deleteService('orders', 'orders-blue', { force: true });
    const draining = (await ecs.describeServices('orders', ['orders-blue'])).services[0];
    expect(draining).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect(sim.inspect.taskCounts('orders', 'orders-blue').stopping).toBe(2);
    expect(sim.inspect.targetHealth(BLUE_TG).map((t) => t.state)).toEqual(['draining', 'draining']);
    await clock.advance(301_000); // the target group's default deregistration delay, 300 s
    const inactive = await ecs.describeServices('orders', ['orders-blue']);
    expect(inactive.services[0]).toMatchObject({ status: 'INACTIVE', desiredCount: 0, runningCount: 0, pendingCount: 0 });
    expect(inactive.failures).toEqual([]);
    expect(sim.events.filter((e) => e.kind === 'service.status').map((e) => [e.subject, e.detail])).toEqual([
      ['orders-blue', 'ACTIVE -> DRAINING'],
      ['orders-blue', 'DRAINING -> INACTIVE'],
    ]);
  });

  // Scaled to zero first, as the page asks, DeleteService needs no force. UpdateService on a
  // deleted service fails with ServiceNotActiveException
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
  it('after scaling to 0 it needs no force; a deleted service can no longer be updated', async () => {
    const { sim, clock } = simulate(fixtureWorld('contract-world.yaml'));
    sim.outOfBand.updateService({ cluster: 'orders', service: 'orders-worker', desiredCount: 0 });
    await clock.advance(1_000);
    sim.outOfBand.deleteService('orders', 'orders-worker');
    await clock.advance(1_000);
    const ecs = sim.provider(undefined).ecs;
    expect((await ecs.describeServices('orders', ['orders-worker'])).services[0]?.status).toBe('INACTIVE');
    await expect(ecs.updateService({ cluster: 'orders', service: 'orders-worker', desiredCount: 1 })).rejects.toMatchObject({
      code: 'NotFound',
      details: { awsCode: 'ServiceNotActiveException' },
    });
    expect(refusal(() => sim.outOfBand.deleteService('orders', 'orders-worker'))).toMatchObject({ details: { awsCode: 'ServiceNotFoundException' } });
  });
});

describe('ELB DeleteTargetGroup out of band', () => {
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html:
  // a target group can be deleted only when no action references it (error ResourceInUse).
  it('is refused with ResourceInUse while a listener forwards to it, even at weight 0', () => {
    const { sim } = simulate(fixtureWorld('contract-world.yaml'));
    const err = refusal(() => sim.outOfBand.deleteTargetGroup(GREEN_TG));
    expect(err).toMatchObject({ code: 'Conflict', details: { service: 'elbv2', operation: 'DeleteTargetGroup', awsCode: 'ResourceInUse' } });
    expect(sim.inspect.targetHealth(GREEN_TG)).toHaveLength(1);
  });

  // Same page: deleting it does not affect its registered targets (the tasks keep running).
  it('once nothing forwards to it, it is gone (TargetGroupNotFound) and its service keeps its tasks', async () => {
    const { sim } = simulate(fixtureWorld('contract-world.yaml'));
    sim.outOfBand.setWeights(LISTENER, [{ targetGroupArn: BLUE_TG, weight: 1 }]);
    sim.outOfBand.deleteTargetGroup(GREEN_TG);
    const lb = sim.provider(undefined).lb;
    await expect(lb.describeTargetHealth(GREEN_TG)).rejects.toMatchObject({ code: 'NotFound', details: { awsCode: 'TargetGroupNotFound' } });
    await expect(lb.setWeights(LISTENER, [{ targetGroupArn: BLUE_TG, weight: 50 }, { targetGroupArn: GREEN_TG, weight: 50 }])).rejects.toMatchObject({ code: 'NotFound' });
    expect(sim.inspect.taskCounts('orders', 'orders-green').running).toBe(1);
    expect(sim.events.filter((e) => e.kind === 'targetGroup.deleted').map((e) => e.subject)).toEqual(['orders-green']);
    sim.outOfBand.deleteTargetGroup(GREEN_TG); // already gone: the documented errors are only ResourceInUse
  });
});

describe('calls AWS refused are in the event log, counted per second and operation', () => {
  it('one call.rejected event per second, operation and error, with the count', async () => {
    const { sim, clock } = simulate(fixtureWorld('contract-world.yaml'));
    sim.outOfBand.addFault({ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '0s', for: '10m' });
    const ecs = sim.provider(undefined).ecs;
    await clock.advance(1_000);
    for (let i = 0; i < 5; i++) await ecs.describeServices('orders', ['orders-blue']).catch(() => undefined);
    await clock.advance(1_000);
    await ecs.describeServices('orders', ['orders-blue']).catch(() => undefined);
    const rejected = sim.events.filter((e) => e.kind === 'call.rejected');
    expect(rejected.map((e) => [e.at - rejected[0]!.at, e.subject, e.detail, e.count])).toEqual([
      [0, 'ecs:DescribeServices', 'Throttled (ThrottlingException)', 5],
      [1_000, 'ecs:DescribeServices', 'Throttled (ThrottlingException)', 1],
    ]);
  });
});
