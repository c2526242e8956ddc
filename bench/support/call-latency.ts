// A round trip for every simulated AWS call, as on AWS: a seeded delay of 5–15 ms of wall-clock
// time before each port call reaches the simulator. Under DescribeServices batching, so that a
// batch waits once and passes that wait on their own calls drift apart as they would on AWS.
import type { CloudPorts, CloudProvider } from '../../src/cloud/ports.js';
import { randomStream } from '../../src/sim/random.js';

export interface CallLatency {
  minMs: number;
  maxMs: number;
  seed: number;
  /** Delays only while on: settling a large world with no delay keeps the bench short. */
  on: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function withCallLatency(provider: CloudProvider, latency: CallLatency): CloudProvider {
  const random = randomStream(latency.seed, 'call-latency');
  const delayed = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (latency.on) await sleep(latency.minMs + random.next() * (latency.maxMs - latency.minMs));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return (region) => {
    const ports = provider(region);
    return Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, delayed(port as object)])) as unknown as CloudPorts;
  };
}
