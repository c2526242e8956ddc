import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/cloud/errors.js';
import type { CloudPorts, ForwardRef, LoadBalancingPort, ScalingPort, TargetGroupWeight } from '../../../src/cloud/ports.js';
import { batchReads, scalableTargetsBatcher, weightsBatcher } from '../../../src/cloud/read-batching.js';

/** Listeners by ARN; every readWeightsMany is recorded and may be held until released. */
function fakeLb(weights: Map<string, number>) {
  const calls: string[][] = [];
  const singles: string[] = [];
  let hold: Promise<void> | undefined;
  const read = (arn: string): TargetGroupWeight[] => {
    const w = weights.get(arn);
    if (w === undefined) throw new CloudError('NotFound', `Listener not found: ${arn}`, { service: 'elbv2', operation: 'DescribeListeners' });
    return [{ targetGroupArn: `${arn}/tg`, weight: w }];
  };
  const lb = {
    async readWeights(ref: ForwardRef) {
      singles.push(ref.listenerArn as string);
      return read(ref.listenerArn as string);
    },
    async readWeightsMany(refs: readonly ForwardRef[]) {
      const arns = refs.map((r) => r.listenerArn as string);
      calls.push(arns);
      // The answer is what the listeners hold when the call is sent, not when it returns.
      const answer = arns.map(read);
      if (arns.includes('arn:fail')) throw new CloudError('Throttled', 'Rate exceeded', { service: 'elbv2' });
      if (hold) await hold;
      return answer;
    },
  } as unknown as LoadBalancingPort;
  return { lb, calls, singles, holdNext: (until: Promise<void>) => (hold = until) };
}

const listener = (arn: string): ForwardRef => ({ listenerArn: arn });

describe('batched listener weight reads', () => {
  it('joins the reads of one turn into one DescribeListeners; each caller gets only its own weights', async () => {
    const { lb, calls } = fakeLb(new Map(Array.from({ length: 25 }, (_, i) => [`arn:l${i}`, i])));
    const batcher = weightsBatcher(() => lb);
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.ask(listener(`arn:l${i}`))));
    expect(answers.map((a) => a[0]?.weight)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    // 20 ARNs to a call.
    expect(calls.map((c) => c.length)).toEqual([20, 5]);
  });

  it('rejects only the callers a failed call carried', async () => {
    const fillers = Array.from({ length: 19 }, (_, i) => `arn:fill${i}`);
    const { lb, calls } = fakeLb(new Map([['arn:fail', 1], ['arn:ok', 2], ...fillers.map((arn) => [arn, 0] as [string, number])]));
    const batcher = weightsBatcher(() => lb);
    // arn:fail and 19 others fill the first call; arn:ok goes in the next one.
    const carried = [batcher.ask(listener('arn:fail')), ...fillers.map((arn) => batcher.ask(listener(arn)))];
    const ok = batcher.ask(listener('arn:ok'));
    for (const p of carried) await expect(p).rejects.toMatchObject({ code: 'Throttled' });
    expect(await ok).toEqual([{ targetGroupArn: 'arn:ok/tg', weight: 2 }]);
    expect(calls.map((c) => c.length)).toEqual([20]);
  });

  it('asks each ARN alone when one of them does not exist, so only its caller hears NotFound', async () => {
    const { lb, calls, singles } = fakeLb(new Map([['arn:a', 1], ['arn:b', 2]]));
    const batcher = weightsBatcher(() => lb);
    const [a, gone, b] = await Promise.allSettled([batcher.ask(listener('arn:a')), batcher.ask(listener('arn:gone')), batcher.ask(listener('arn:b'))]);
    expect(calls).toHaveLength(1);
    expect(singles.sort()).toEqual(['arn:a', 'arn:b', 'arn:gone']);
    expect(a).toEqual({ status: 'fulfilled', value: [{ targetGroupArn: 'arn:a/tg', weight: 1 }] });
    expect(b).toEqual({ status: 'fulfilled', value: [{ targetGroupArn: 'arn:b/tg', weight: 2 }] });
    expect(gone).toMatchObject({ status: 'rejected', reason: { code: 'NotFound' } });
  });

  it('reads back after a write with a call sent after the write, never with one already in flight', async () => {
    const weights = new Map([['arn:l', 10], ['arn:other', 5]]);
    const { lb, calls, singles, holdNext } = fakeLb(weights);
    const batcher = weightsBatcher(() => lb);
    let release: () => void = () => {};
    holdNext(new Promise<void>((resolve) => (release = resolve)));
    // Another pass's read goes out and stays in flight...
    const inFlight = batcher.ask(listener('arn:l'));
    const other = batcher.ask(listener('arn:other'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    // ...while this pass writes 90 and reads it back.
    weights.set('arn:l', 90);
    holdNext(Promise.resolve());
    const readBack = batcher.ask(listener('arn:l'));
    release();
    expect((await inFlight)[0]?.weight).toBe(10);
    expect((await readBack)[0]?.weight).toBe(90);
    expect((await other)[0]?.weight).toBe(5);
    expect(calls).toEqual([['arn:l', 'arn:other']]);
    // The read-back went out on its own (one ARN: DescribeListeners for it alone), after the write.
    expect(singles).toEqual(['arn:l']);
  });

  it('hands a listener asked for twice in one call out as two copies', async () => {
    const { lb, singles } = fakeLb(new Map([['arn:l', 3]]));
    const batcher = weightsBatcher(() => lb);
    const [x, y] = await Promise.all([batcher.ask(listener('arn:l')), batcher.ask(listener('arn:l'))]);
    expect(singles).toEqual(['arn:l']);
    expect(x).toEqual(y);
    expect(x).not.toBe(y);
  });
});

describe('batched scalable-target reads', () => {
  it('asks for the services of every cluster asked in one turn in DescribeScalableTargets calls of 50', async () => {
    const calls: number[] = [];
    const scaling = {
      describeScalableTarget: async () => undefined,
      async describeScalableTargets(services: readonly { cluster: string; service: string }[]) {
        calls.push(services.length);
        return services.map((s) => (s.service.endsWith('-scaled') ? { resourceId: `service/${s.cluster}/${s.service}`, minCapacity: 1, maxCapacity: 4, suspended: { dynamicScalingIn: false, dynamicScalingOut: false, scheduledScaling: false } } : undefined));
      },
    } as unknown as ScalingPort;
    const batcher = scalableTargetsBatcher(() => scaling);
    const asked = Array.from({ length: 120 }, (_, i) => ({ cluster: `c${i % 3}`, service: i % 2 ? `s${i}-scaled` : `s${i}` }));
    const answers = await Promise.all(asked.map((s) => batcher.ask(s)));
    expect(calls).toEqual([50, 50, 20]);
    expect(answers.map((a) => a?.resourceId)).toEqual(asked.map((s) => (s.service.endsWith('-scaled') ? `service/${s.cluster}/${s.service}` : undefined)));
  });
});

describe('batchReads over ports that are class instances (the AWS adapters)', () => {
  it('keeps every method the batching does not replace, with its own this', async () => {
    class Lb {
      private readonly written: string[] = [];
      async readWeights(): Promise<TargetGroupWeight[]> {
        return [{ targetGroupArn: 'tg', weight: 100 }];
      }
      async setWeights(ref: ForwardRef): Promise<'written'> {
        this.written.push(ref.listenerArn as string);
        return 'written';
      }
      writes(): string[] {
        return this.written;
      }
    }
    const lb = new Lb();
    const ports = { lb, scaling: { describeScalableTarget: async () => undefined } } as unknown as CloudPorts;
    const batched = batchReads(() => ports)(undefined);
    expect(await batched.lb.readWeights(listener('arn:l1'))).toEqual([{ targetGroupArn: 'tg', weight: 100 }]);
    expect(await batched.lb.setWeights(listener('arn:l1'), [])).toBe('written');
    expect(lb.writes()).toEqual(['arn:l1']);
    // Wrappers above (crash tests, the budget) spread these ports in turn: nothing may hide in a prototype.
    expect(typeof { ...batched.lb }.setWeights).toBe('function');
  });
});
