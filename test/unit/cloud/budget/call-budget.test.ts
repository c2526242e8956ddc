// The call budget on a virtual clock: burst, refill, rollouts before steady-state calls, and a
// wait past its bound turned into a visible, retryable Throttled error.
import { describe, expect, it } from 'vitest';
import { CallBudget, BUDGET_EXHAUSTED, type BudgetCall } from '../../../../src/cloud/budget/call-budget.js';
import { DOCUMENTED_RATES, bucketsFor, knownBucketKeys } from '../../../../src/cloud/budget/rates.js';
import { CloudError } from '../../../../src/cloud/errors.js';
import type { CallPriority } from '../../../../src/cloud/ports.js';
import { VirtualClock } from '../../../../src/runtime/clock.js';

function budgetOn(clock: VirtualClock, extra: Partial<ConstructorParameters<typeof CallBudget>[0]> = {}): CallBudget {
  return new CallBudget({ clock: { now: () => clock.now(), sleep: (ms) => clock.sleep(ms) }, ...extra });
}

/** Starts `n` DescribeServices acquisitions; `done` holds the order they were let through. */
function start(budget: CallBudget, n: number, priority: CallPriority, done: string[], tag: string = priority, api = 'DescribeServices'): Promise<void>[] {
  return Array.from({ length: n }, (_, i) => budget.acquire('ecs', 'us-east-1', api, priority).then(() => void done.push(`${tag}${i}`)));
}

describe('the call budget', () => {
  it('lets a burst of the bucket size through at once, then the refill rate (ECS service reads: 100, then 20/s)', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    const done: string[] = [];
    start(budget, 140, 'steady', done);
    await clock.advance(0);
    expect(done).toHaveLength(100);
    await clock.advance(1_000);
    expect(done).toHaveLength(120);
    await clock.advance(1_000);
    expect(done).toHaveLength(140);
  });

  it('never holds more than its burst, however long it stayed unused', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    await clock.advance(3_600_000);
    const done: string[] = [];
    start(budget, 101, 'steady', done);
    await clock.advance(0);
    expect(done).toHaveLength(100);
  });

  it('keeps buckets apart: service reads exhausted, UpdateService still goes at once', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    const reads: string[] = [];
    const writes: string[] = [];
    start(budget, 150, 'steady', reads);
    start(budget, 1, 'steady', writes, 'write', 'UpdateService');
    await clock.advance(0);
    expect(reads).toHaveLength(100);
    expect(writes).toEqual(['write0']);
  });

  it('takes from the account bucket and the category bucket (ELBv2): mutating calls slow reads down too', async () => {
    expect(bucketsFor(DOCUMENTED_RATES.elbv2, 'ModifyRule').sort()).toEqual(['account', 'mutating']);
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    let writes = 0;
    let reads = 0;
    for (let i = 0; i < 20; i++) void budget.acquire('elbv2', 'eu-west-1', 'ModifyRule', 'steady').then(() => writes++);
    for (let i = 0; i < 40; i++) void budget.acquire('elbv2', 'eu-west-1', 'DescribeRules', 'steady').then(() => reads++);
    await clock.advance(0);
    // 40 account tokens: 20 writes and only 20 reads, though the read bucket holds 40.
    expect(writes).toBe(20);
    expect(reads).toBe(20);
  });

  it('shares Route 53 across regions, and ECS per region', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    let r53 = 0;
    for (let i = 0; i < 30; i++) void budget.acquire('route53', 'us-east-1', 'GetChange', 'steady').then(() => r53++);
    for (let i = 0; i < 30; i++) void budget.acquire('route53', 'eu-west-1', 'GetChange', 'steady').then(() => r53++);
    let ecs = 0;
    for (let i = 0; i < 100; i++) void budget.acquire('ecs', 'us-east-1', 'DescribeServices', 'steady').then(() => ecs++);
    for (let i = 0; i < 100; i++) void budget.acquire('ecs', 'eu-west-1', 'DescribeServices', 'steady').then(() => ecs++);
    await clock.advance(0);
    expect(r53).toBe(50);
    expect(ecs).toBe(200);
  });

  it('lets waiting rollout calls go before steady ones that waited longer', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    const done: string[] = [];
    start(budget, 100, 'steady', done, 'burst');
    start(budget, 5, 'steady', done);
    await clock.advance(10);
    start(budget, 2, 'rollout', done);
    await clock.advance(100);
    // 50 ms a token: the two rollout calls take the first two, the steady ones follow.
    expect(done.slice(100)).toEqual(['rollout0', 'rollout1']);
    await clock.advance(1_000);
    expect(done.slice(100)).toEqual(['rollout0', 'rollout1', 'steady0', 'steady1', 'steady2', 'steady3', 'steady4']);
  });

  it('fails a call that waited past maxWait as Throttled, logs it with its code and counts it', async () => {
    const clock = new VirtualClock();
    const timedOut: BudgetCall[] = [];
    const logged: object[] = [];
    const budget = budgetOn(clock, {
      maxWaitMs: 2_000,
      rates: { 'ecs.serviceModify': { burst: 1, perSecond: 0.1 } },
      observer: { timedOut: (call) => timedOut.push(call) },
      logger: { warn: (fields) => logged.push(fields) },
    });
    await budget.acquire('ecs', undefined, 'UpdateService', 'steady');
    const outcomes: unknown[] = [];
    void budget.acquire('ecs', undefined, 'UpdateService', 'steady').then(
      () => outcomes.push('granted'),
      (err: unknown) => outcomes.push(err),
    );
    await clock.advance(1_999);
    expect(outcomes).toEqual([]);
    await clock.advance(1);
    expect(outcomes).toHaveLength(1);
    const err = outcomes[0] as CloudError;
    expect(err).toBeInstanceOf(CloudError);
    expect(err.code).toBe('Throttled');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({ service: 'ecs', operation: 'UpdateService', awsCode: BUDGET_EXHAUSTED });
    expect(timedOut).toEqual([{ service: 'ecs', api: 'UpdateService', priority: 'steady' }]);
    expect(logged).toEqual([expect.objectContaining({ code: 'Throttled', awsCode: BUDGET_EXHAUSTED, service: 'ecs', api: 'UpdateService' })]);
  });

  it('makes later calls wait off requests charged after the fact, and takes back a refund', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock, { rates: { 'ecs.clusterResourceRead': { burst: 2, perSecond: 1 } } });
    budget.charge('ecs', undefined, 'DescribeTasks', 3);
    let granted = false;
    void budget.acquire('ecs', undefined, 'DescribeTasks', 'steady').then(() => (granted = true));
    // -1 tokens: two seconds until one is back.
    await clock.advance(1_999);
    expect(granted).toBe(false);
    await clock.advance(1);
    expect(granted).toBe(true);
  });

  it('passes calls to services without a documented rate straight through', async () => {
    const clock = new VirtualClock();
    const budget = budgetOn(clock);
    let n = 0;
    for (let i = 0; i < 1_000; i++) void budget.acquire('autoscaling', undefined, 'DescribeScalableTargets', 'steady').then(() => n++);
    await clock.advance(0);
    expect(n).toBe(1_000);
  });

  it('names every bucket keelson.yaml may set', () => {
    expect(knownBucketKeys()).toEqual(expect.arrayContaining(['ecs.serviceRead', 'elbv2.account', 'route53.account', 'cloudwatch.DescribeAlarms', 'autoscaling.account', 'ecr.account']));
  });
});
