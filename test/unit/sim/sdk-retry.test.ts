// The simulator's retry policy is the AWS SDK's: the behaviour documented in the AWS SDKs and Tools
// Reference Guide, "Retry behavior" (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html),
// as @smithy/core/retry implements it in the clients keelson builds. Constants, classification and
// decisions are checked against the SDK's own code, side by side; the rest are seeded properties.
import {
  DEFAULT_MAX_ATTEMPTS,
  INITIAL_RETRY_TOKENS,
  isServerError,
  isThrottlingError,
  isTransientError,
  MAXIMUM_RETRY_DELAY,
  NO_RETRY_INCREMENT,
  resolveRetryConfig,
  Retry,
} from '@smithy/core/retry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AWS_DEFAULTS } from '../../../src/cloud/aws/defaults.js';
import { isCloudError, type CloudError } from '../../../src/cloud/errors.js';
import { sdkErrorOf } from '../../../src/sim/ports.js';
import { Random, randomStream } from '../../../src/sim/random.js';
import {
  ClientRateLimiter,
  RATE_LIMITER,
  SDK_RETRY,
  SdkRetryStrategy,
  sdkErrorType,
  sdkWaitMs,
  type RetryToken,
  type SdkErrorShape,
  type SdkErrorType,
} from '../../../src/sim/sdk-retry.js';
import type { ApiFault } from '../../../src/sim/world.js';
import { fixtureWorld, SHOP, simulate } from './fixtures.js';

const SEEDS = [1, 7, 42, 1234, 98765];

/** As the SDK's retry middleware classifies an error (getRetryErrorType). */
function sdkOwnType(error: SdkErrorShape): SdkErrorType {
  const e = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(e)) return 'THROTTLING';
  if (isTransientError(e)) return 'TRANSIENT';
  if (isServerError(e)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the SDK retry policy, checked against @smithy/core/retry', () => {
  it('uses the SDK\'s constants, and the adapters\' max attempts', () => {
    expect(SDK_RETRY.baseDelayMs).toBe(Retry.delay());
    expect(SDK_RETRY.throttlingBaseDelayMs).toBe(Retry.throttlingDelay());
    expect(SDK_RETRY.maxDelayMs).toBe(MAXIMUM_RETRY_DELAY);
    expect(SDK_RETRY.initialRetryTokens).toBe(INITIAL_RETRY_TOKENS);
    expect(SDK_RETRY.retryCost).toBe(Retry.cost());
    expect(SDK_RETRY.throttlingRetryCost).toBe(Retry.throttlingCost());
    expect(Retry.modifiedCostType()).toBe('THROTTLING');
    expect(SDK_RETRY.noRetryIncrement).toBe(NO_RETRY_INCREMENT);
    // keelson asks for more attempts than the SDK's default, and the simulator follows keelson.
    expect(AWS_DEFAULTS.maxAttempts).toBeGreaterThan(DEFAULT_MAX_ATTEMPTS);
    expect(new SdkRetryStrategy({ maxAttempts: AWS_DEFAULTS.maxAttempts, mode: 'adaptive', random: new Random(1), now: () => 0 }).maxAttempts).toBe(5);
  });

  it('classifies every fault the simulator injects as the SDK does: throttling, transient 5xx, transient timeout', async () => {
    const kinds: ApiFault['kind'][] = ['throttle', 'serverError', 'timeout'];
    const expected: Record<ApiFault['kind'], SdkErrorType> = { throttle: 'THROTTLING', serverError: 'TRANSIENT', timeout: 'TRANSIENT' };
    for (const kind of kinds) {
      const world = fixtureWorld('two-colours.yaml');
      world.faults = [{ kind, service: 'ecs', at: '0s', for: '1h' }];
      const { sim } = simulate(world);
      const err = await sim.drive(sim.provider(undefined).ecs.describeServices(SHOP.cluster, ['api-blue'])).then(
        () => undefined,
        (e: unknown) => (isCloudError(e) ? e : undefined),
      );
      const shape = sdkErrorOf(err as CloudError);
      expect(sdkOwnType(shape), kind).toBe(expected[kind]);
      expect(sdkErrorType(shape), kind).toBe(expected[kind]);
    }
  });

  it('classifies AWS error codes, statuses and socket errors as the SDK does', () => {
    const names = [
      'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'PriorRequestNotComplete',
      'ProvisionedThroughputExceededException', 'SlowDown', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException',
      'ServiceUnavailable', 'InternalFailure', 'ServerException', 'ClientException', 'ServiceNotFoundException',
      'ClusterNotFoundException', 'ValidationError', 'InvalidParameterException', 'AccessDeniedException', 'NoSuchHostedZone',
      'InvalidChangeBatch', 'AbortError', 'UnknownRegion',
    ];
    const statuses = [undefined, 400, 403, 404, 409, 429, 500, 501, 502, 503, 504, 505];
    for (const name of names) {
      for (const status of statuses) {
        const shape: SdkErrorShape = { name, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) };
        expect(sdkErrorType(shape), `${name} ${status}`).toBe(sdkOwnType(shape));
      }
    }
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']) {
      const shape = { name: 'Error', code };
      expect(sdkErrorType(shape), code).toBe(sdkOwnType(shape));
    }
  });

  it('makes the same decisions, waits the same and keeps the same quota and send rate as the SDK\'s adaptive strategy, for a seeded mix of answers', async () => {
    for (const seed of SEEDS) {
      const trace = await sideBySide(seed, 120);
      expect(trace.mine, `seed ${seed}`).toEqual(trace.sdk);
      // The mix did exercise every path.
      const steps = trace.sdk.join('\n');
      for (const part of ['retry', 'give up', 'success', 'quota']) expect(steps, `seed ${seed}`).toContain(part);
    }
  });
});

type Answer = 'success' | 'throttle' | 'transient' | 'client';

/** One answer per attempt, from the script's own seeded stream; bursts of throttling drain the quota. */
function scriptedAnswer(script: Random, storm: boolean): Answer {
  const x = script.next();
  if (storm) return x < 0.9 ? 'throttle' : 'transient';
  return x < 0.45 ? 'success' : x < 0.7 ? 'throttle' : x < 0.9 ? 'transient' : 'client';
}

const ERRORS: Record<Exclude<Answer, 'success'>, { error: SdkErrorShape; errorType: SdkErrorType }> = {
  throttle: { error: { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, errorType: 'THROTTLING' },
  transient: { error: { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }, errorType: 'TRANSIENT' },
  client: { error: { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }, errorType: 'CLIENT_ERROR' },
};

/**
 * Runs the same requests through the SDK's strategy (as resolveRetryConfig builds it for keelson's
 * clients, on a mocked Date.now, setTimeout and Math.random) and through SdkRetryStrategy, and
 * writes down, after every attempt, what each decided, the time, the quota and the fill rate.
 */
async function sideBySide(seed: number, requests: number): Promise<{ sdk: string[]; mine: string[] }> {
  const start = Date.parse('2026-01-05T10:00:00Z');
  let sdkNow = start;
  let myNow = start;
  const sdkRandom = randomStream(seed, 'jitter');
  vi.spyOn(Date, 'now').mockImplementation(() => sdkNow);
  vi.spyOn(Math, 'random').mockImplementation(() => sdkRandom.next());
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    sdkNow += sdkWaitMs(ms ?? 0);
    queueMicrotask(fn);
    return 0;
  }) as unknown as typeof setTimeout);

  const config = resolveRetryConfig({ maxAttempts: AWS_DEFAULTS.maxAttempts, retryMode: AWS_DEFAULTS.retryMode } as Parameters<typeof resolveRetryConfig>[0]);
  const sdk = (await config.retryStrategy()) as unknown as SdkAdaptive;
  const mine = new SdkRetryStrategy({ maxAttempts: AWS_DEFAULTS.maxAttempts, mode: AWS_DEFAULTS.retryMode, random: randomStream(seed, 'jitter'), now: () => myNow });
  const script = randomStream(seed, 'script');
  const sdkTrace: string[] = [];
  const myTrace: string[] = [];
  const state = (now: number, quota: number, limiter: { fillRate: number; enabled: boolean } | undefined): string =>
    `t=${now - start} quota=${quota} fill=${limiter?.fillRate} on=${limiter?.enabled}`;
  const myWait = (): void => {
    for (let wait = mine.sendDelayMs(); wait > 0; wait = mine.sendDelayMs()) myNow += sdkWaitMs(wait);
  };

  for (let r = 0; r < requests; r++) {
    // Bursts of requests close together, then quiet: the measured sending rate rises and falls.
    const gap = r % 20 < 12 ? script.int(60) : script.int(3_000);
    sdkNow += gap;
    myNow += gap;
    const storm = r % 40 >= 25; // a stretch of heavy throttling in every 40 requests
    let sdkToken = await sdk.acquireInitialRetryToken('');
    let myToken: RetryToken = mine.firstToken();
    myWait();
    for (;;) {
      const answer = scriptedAnswer(script, storm);
      if (answer === 'success') {
        sdk.recordSuccess(sdkToken);
        mine.recordSuccess(myToken);
        sdkTrace.push(`success ${state(sdkNow, sdk.standardRetryStrategy.getCapacity(), sdk.rateLimiter)}`);
        myTrace.push(`success ${state(myNow, mine.retryQuota, mine.rateLimiter)}`);
        break;
      }
      const info = ERRORS[answer];
      const quotaBefore = sdk.standardRetryStrategy.getCapacity();
      const next = await sdk.refreshRetryTokenForRetry(sdkToken, info).catch(() => undefined);
      const decision = mine.afterFailure(myToken, info.errorType);
      const why = (retried: boolean): string => (retried ? 'retry' : quotaBefore < (answer === 'throttle' ? 5 : 14) ? 'give up: quota' : 'give up');
      sdkTrace.push(`${answer} ${why(next !== undefined)} ${state(sdkNow, sdk.standardRetryStrategy.getCapacity(), sdk.rateLimiter)}`);
      if (decision.retry) {
        myNow += sdkWaitMs(decision.delayMs);
        myWait();
        myToken = decision.token;
      }
      myTrace.push(`${answer} ${why(decision.retry)} ${state(myNow, mine.retryQuota, mine.rateLimiter)}`);
      if (!next) break;
      sdkToken = next;
    }
  }
  return { sdk: sdkTrace, mine: myTrace };
}

interface SdkAdaptive {
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: unknown, info: { error: unknown; errorType: string }): Promise<unknown>;
  recordSuccess(token: unknown): void;
  standardRetryStrategy: { getCapacity(): number };
  rateLimiter: { fillRate: number; enabled: boolean };
}

describe('the SDK retry policy, seeded properties', () => {
  const strategy = (seed: number, mode: 'standard' | 'adaptive' = 'standard', now = () => 0) =>
    new SdkRetryStrategy({ maxAttempts: AWS_DEFAULTS.maxAttempts, mode, random: randomStream(seed, 'retry'), now });

  it('retries a retryable error until maxAttempts attempts were made, and never a client or 5xx-server error', () => {
    for (const seed of SEEDS) {
      for (const type of ['THROTTLING', 'TRANSIENT'] as const) {
        const s = strategy(seed);
        let token = s.firstToken();
        let attempts = 1;
        for (;;) {
          const d = s.afterFailure(token, type);
          if (!d.retry) {
            expect(d.refusal, `seed ${seed}`).toBe('attemptsUsed');
            break;
          }
          token = d.token;
          attempts++;
        }
        expect(attempts, `seed ${seed} ${type}`).toBe(AWS_DEFAULTS.maxAttempts);
      }
      for (const type of ['CLIENT_ERROR', 'SERVER_ERROR'] as const) {
        expect(strategy(seed).afterFailure({ retries: 0 }, type)).toEqual({ retry: false, refusal: 'notRetryable' });
      }
    }
  });

  it('draws each backoff below base·2^retries (1 s for throttling, 50 ms otherwise), capped at 20 s, and uses the whole range', () => {
    for (const seed of SEEDS) {
      for (const type of ['THROTTLING', 'TRANSIENT'] as const) {
        const base = type === 'THROTTLING' ? 1_000 : 50;
        for (let retries = 0; retries < 8; retries++) {
          const bound = Math.min(base * 2 ** retries, 20_000);
          const s = new SdkRetryStrategy({ maxAttempts: 100, mode: 'standard', random: randomStream(seed, `b${retries}`), now: () => 0 });
          const delays: number[] = [];
          for (let i = 0; i < 200; i++) {
            const d = s.afterFailure({ retries }, type);
            if (d.retry) delays.push(d.delayMs);
            s.recordSuccess({ retries: 1, cost: 14 }); // keep the quota full
          }
          expect(delays, `seed ${seed} ${type} retries ${retries}`).toHaveLength(200);
          for (const d of delays) {
            expect(Number.isInteger(d) && d >= 0 && d < bound, `seed ${seed} ${type} retries ${retries}: ${d} not in [0, ${bound})`).toBe(true);
          }
          expect(Math.max(...delays), `seed ${seed}`).toBeGreaterThan(bound * 0.9);
          expect(Math.min(...delays), `seed ${seed}`).toBeLessThan(bound * 0.1);
        }
      }
    }
  });

  it('stops retrying when the retry quota is spent (14 tokens a transient retry, 5 a throttled one), and refills it on success', () => {
    const s = strategy(3);
    let retries = 0;
    while (s.afterFailure({ retries: 0 }, 'TRANSIENT').retry) retries++;
    expect(retries).toBe(Math.floor(500 / 14));
    expect(s.afterFailure({ retries: 0 }, 'TRANSIENT')).toEqual({ retry: false, refusal: 'quotaEmpty' });
    // 500 - 35·14 = 10 tokens left: enough for two throttled retries, not for a transient one.
    expect(s.retryQuota).toBe(10);
    expect(s.afterFailure({ retries: 0 }, 'THROTTLING').retry).toBe(true);
    expect(s.afterFailure({ retries: 0 }, 'THROTTLING').retry).toBe(true);
    expect(s.afterFailure({ retries: 0 }, 'THROTTLING')).toEqual({ retry: false, refusal: 'quotaEmpty' });
    // A first-attempt success gives back 1 token, a success after a retry gives back the retry's cost.
    s.recordSuccess(s.firstToken());
    expect(s.retryQuota).toBe(1);
    s.recordSuccess({ retries: 1, cost: 14 });
    expect(s.retryQuota).toBe(15);
    for (let i = 0; i < 1_000; i++) s.recordSuccess(s.firstToken());
    expect(s.retryQuota).toBe(500);
  });

  it('adaptive mode: sends freely until throttled, then holds attempts to a fill rate that drops with each throttle and climbs back with successes', () => {
    let now = Date.parse('2026-01-05T10:00:00Z');
    const limiter = new ClientRateLimiter(() => now);
    // A client sending 10 requests a second, never throttled: never held.
    for (let i = 0; i < 50; i++) {
      now += 100;
      expect(limiter.takeSendToken()).toBe(0);
      limiter.updateSendingRate(false);
    }
    expect(limiter.enabled).toBe(false);
    const measured = limiter.measuredTxRate;
    expect(measured).toBeGreaterThan(8);
    // The first throttle: the fill rate drops to β × the measured rate.
    now += 100;
    limiter.updateSendingRate(true);
    expect(limiter.enabled).toBe(true);
    expect(limiter.fillRate).toBeCloseTo(measured * RATE_LIMITER.beta, 6);
    // More throttles bring it down to its floor; then an attempt waits 1/minFillRate seconds for a token.
    for (let i = 0; i < 30; i++) {
      now += 500;
      limiter.updateSendingRate(true);
    }
    expect(limiter.fillRate).toBe(RATE_LIMITER.minFillRate);
    while (limiter.takeSendToken() === 0) now += 0; // spend what the bucket holds
    expect(limiter.takeSendToken()).toBeCloseTo(1000 / RATE_LIMITER.minFillRate, 0);
    // Successes at a steady pace let the rate climb back (cubic growth, at most twice the measured rate).
    const low = limiter.fillRate;
    for (let i = 0; i < 40; i++) {
      now += 250;
      limiter.updateSendingRate(false);
    }
    expect(limiter.fillRate).toBeGreaterThan(low * 4);
  });

  it('adaptive mode in the simulator: once a client is throttled, its next attempts are spaced by the rate limiter on the clock', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'throttle', service: 'ecs', operations: ['DescribeServices'], at: '0s', for: '1h', count: 1 }];
    const { sim, clock } = simulate(world);
    const ecs = sim.provider(undefined).ecs;
    const start = clock.now();
    await sim.drive(ecs.describeServices(SHOP.cluster, ['api-blue']));
    // One throttled attempt, one retry after a backoff below 1 s and a token at the floor fill rate.
    expect(sim.calls['ecs:DescribeServices']).toBe(2);
    expect(clock.now() - start).toBeGreaterThanOrEqual(1000 / RATE_LIMITER.minFillRate - 1_000);
    const before = clock.now();
    await sim.drive(ecs.describeTaskDefinition('shop-api:1'));
    await sim.drive(ecs.describeTaskDefinition('shop-api:1'));
    // Other ECS operations share the client, and so its rate limiter: they are held too.
    expect(clock.now() - before).toBeGreaterThan(0);
    // Other services' clients were never throttled: no wait at all.
    const elbBefore = clock.now();
    await sim.drive(sim.provider(undefined).lb.readWeights({ listenerArn: SHOP.listenerArn }));
    expect(clock.now()).toBe(elbBefore);
  });
});
