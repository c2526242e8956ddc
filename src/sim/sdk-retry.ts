// The retry policy the AWS SDK for JavaScript v3 applies inside every client keelson's adapters
// build (src/cloud/aws/defaults.ts), so that a simulated call fails only when a real one would
// have failed after the SDK's own retries. Read from the SDK's code, @smithy/core/retry:
// service-error-classification (which errors are throttling, transient, server, client),
// util-retry StandardRetryStrategy and its 2026 settings (backoff, retry quota),
// AdaptiveRetryStrategy and DefaultRateLimiter (client-side rate limiting), and documented in the
// AWS SDKs and Tools Reference Guide, "Retry behavior":
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
// test/unit/sim/sdk-retry.test.ts holds every constant and decision here to the SDK's own code.

import type { Random } from './random.js';

/** The SDK's kinds of failure; only THROTTLING and TRANSIENT are retried. */
export type SdkErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

/** An error as the SDK classifies it: its name (the AWS error code), HTTP status and socket code. */
export interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export type RetryMode = 'standard' | 'adaptive';

export const SDK_RETRY = {
  /** Backoff base for transient errors (util-retry `Retry.delay()`). */
  baseDelayMs: 50,
  /** Backoff base for throttling errors (`Retry.throttlingDelay()`). */
  throttlingBaseDelayMs: 1_000,
  /** No backoff is longer (`MAXIMUM_RETRY_DELAY`). */
  maxDelayMs: 20_000,
  /** The retry quota each client starts with (`INITIAL_RETRY_TOKENS`). */
  initialRetryTokens: 500,
  /** Tokens a retry after a transient error takes from the quota (`Retry.cost()`). */
  retryCost: 14,
  /** Tokens a retry after throttling takes (`Retry.throttlingCost()`). */
  throttlingRetryCost: 5,
  /** Tokens a request that succeeds at its first attempt gives back (`NO_RETRY_INCREMENT`). */
  noRetryIncrement: 1,
} as const;

// service-error-classification/constants.js
const THROTTLING_ERROR_CODES = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_ERROR_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_ERROR_STATUS_CODES = new Set([500, 502, 503, 504]);
const NODEJS_SOCKET_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The SDK's classification (retryMiddleware `getRetryErrorType`), for the errors the simulator
 * gives: it never sets the `$retryable` trait, a corrected clock skew or an HTTP/2 stream error.
 */
export function sdkErrorType(error: SdkErrorShape): SdkErrorType {
  const name = error.name ?? '';
  const status = error.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_ERROR_CODES.has(name)) return 'THROTTLING';
  const transient =
    name !== 'AbortError' &&
    (TRANSIENT_ERROR_CODES.has(name) || NODEJS_SOCKET_ERROR_CODES.has(error.code ?? '') || TRANSIENT_ERROR_STATUS_CODES.has(status ?? 0));
  if (transient) return 'TRANSIENT';
  if (status !== undefined && status >= 500 && status <= 599) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** What the SDK carries from one attempt of a request to the next. */
export interface RetryToken {
  /** Retries made so far (0 for the first attempt). */
  readonly retries: number;
  /** Quota tokens the last retry took; given back if the request then succeeds. */
  readonly cost?: number;
}

export type RetryRefusal = 'notRetryable' | 'attemptsUsed' | 'quotaEmpty';

export type RetryDecision = { retry: true; token: RetryToken; delayMs: number } | { retry: false; refusal: RetryRefusal };

export interface SdkRetryOptions {
  maxAttempts: number;
  mode: RetryMode;
  /** Stands for the SDK's Math.random: one draw per retry, for its jitter. */
  random: Random;
  /** Epoch ms, from the injected clock (the SDK reads Date.now()). */
  now: () => number;
}

/**
 * One client's retry state, as the SDK keeps it per client (keelson builds one client per
 * service and region): the retry quota and, in adaptive mode, the rate limiter.
 */
export class SdkRetryStrategy {
  private capacity: number = SDK_RETRY.initialRetryTokens;
  readonly rateLimiter: ClientRateLimiter | undefined;

  constructor(private readonly options: SdkRetryOptions) {
    this.rateLimiter = options.mode === 'adaptive' ? new ClientRateLimiter(options.now) : undefined;
  }

  get maxAttempts(): number {
    return this.options.maxAttempts;
  }

  /** Tokens left in the retry quota. */
  get retryQuota(): number {
    return this.capacity;
  }

  firstToken(): RetryToken {
    return { retries: 0 };
  }

  /** Milliseconds to wait before an attempt may be sent (adaptive mode); 0: send it now. Ask again after waiting. */
  sendDelayMs(): number {
    return this.rateLimiter?.takeSendToken() ?? 0;
  }

  /** StandardRetryStrategy.recordSuccess, after AdaptiveRetryStrategy has told the rate limiter. */
  recordSuccess(token: RetryToken): void {
    this.rateLimiter?.updateSendingRate(false);
    this.capacity = Math.min(SDK_RETRY.initialRetryTokens, this.capacity + (token.cost ?? SDK_RETRY.noRetryIncrement));
  }

  /** StandardRetryStrategy.refreshRetryTokenForRetry: whether to retry, and after how long. */
  afterFailure(token: RetryToken, type: SdkErrorType): RetryDecision {
    this.rateLimiter?.updateSendingRate(type === 'THROTTLING');
    const cost = type === 'THROTTLING' ? SDK_RETRY.throttlingRetryCost : SDK_RETRY.retryCost;
    if (type !== 'THROTTLING' && type !== 'TRANSIENT') return { retry: false, refusal: 'notRetryable' };
    if (token.retries + 1 >= this.options.maxAttempts) return { retry: false, refusal: 'attemptsUsed' };
    if (this.capacity < cost) return { retry: false, refusal: 'quotaEmpty' };
    const delayMs = backoffDelay(token.retries, type, this.options.random);
    this.capacity -= cost;
    return { retry: true, token: { retries: token.retries + 1, cost }, delayMs };
  }
}

/**
 * DefaultRetryBackoffStrategy: "full jitter", a uniform draw below base·2^retries, capped.
 * `retries` counts the retries already made (0 before the first).
 */
export function backoffDelay(retries: number, type: SdkErrorType, random: Random): number {
  const base = type === 'THROTTLING' ? SDK_RETRY.throttlingBaseDelayMs : SDK_RETRY.baseDelayMs;
  return Math.floor(random.next() * Math.min(base * 2 ** retries, SDK_RETRY.maxDelayMs));
}

/**
 * How long a wait of the SDK's really lasts: it waits with setTimeout, which Node runs after a
 * whole number of milliseconds, at least 1 (a 0 ms backoff still yields, a 0.4 ms wait for the
 * rate limiter's next token takes 1 ms).
 */
export function sdkWaitMs(ms: number): number {
  return ms >= 1 && ms <= 2 ** 31 - 1 ? Math.trunc(ms) : 1;
}

/**
 * The longest a call throttled at every attempt can take before it fails: every backoff at its
 * cap, and in adaptive mode each attempt held by the rate limiter at its lowest fill rate.
 */
export function longestThrottledCallMs(maxAttempts: number, mode: RetryMode): number {
  let total = 0;
  for (let retries = 0; retries < maxAttempts - 1; retries++) total += Math.min(SDK_RETRY.throttlingBaseDelayMs * 2 ** retries, SDK_RETRY.maxDelayMs);
  return mode === 'adaptive' ? total + maxAttempts * (1000 / RATE_LIMITER.minFillRate) : total;
}

/** DefaultRateLimiter's settings. */
export const RATE_LIMITER = { beta: 0.7, minCapacity: 1, minFillRate: 0.5, scaleConstant: 0.4, smooth: 0.8 } as const;

/**
 * Adaptive mode's client-side rate limiter (DefaultRateLimiter): off until the first throttling
 * error, then a token bucket (one token per attempt) whose fill rate drops to β × the measured
 * sending rate at each throttle and grows back along a cubic curve while calls succeed.
 * Times are seconds, as the SDK keeps them.
 */
export class ClientRateLimiter {
  enabled = false;
  availableTokens = 0;
  fillRate: number = RATE_LIMITER.minFillRate;
  maxCapacity: number = RATE_LIMITER.minCapacity;
  measuredTxRate = 0;
  private lastMaxRate = 0;
  private requestCount = 0;
  private lastThrottleTime: number;
  private lastTimestamp = 0;
  private lastTxRateBucket: number;
  private timeWindow = 0;

  constructor(private readonly nowMs: () => number) {
    this.lastThrottleTime = this.seconds();
    this.lastTxRateBucket = Math.floor(this.seconds());
  }

  /** acquireTokenBucket(1), one turn of its loop: takes a token, or says how long until one is there. */
  takeSendToken(): number {
    if (!this.enabled) return 0;
    this.refill();
    if (1 > this.availableTokens) return ((1 - this.availableTokens) / this.fillRate) * 1000;
    this.availableTokens -= 1;
    return 0;
  }

  /** updateClientSendingRate: after every answer, throttled or not. */
  updateSendingRate(throttled: boolean): void {
    this.updateMeasuredRate();
    let rate: number;
    if (throttled) {
      const rateToUse = this.enabled ? Math.min(this.measuredTxRate, this.fillRate) : this.measuredTxRate;
      this.lastMaxRate = rateToUse;
      this.calculateTimeWindow();
      this.lastThrottleTime = this.seconds();
      rate = precise(rateToUse * RATE_LIMITER.beta);
      this.enabled = true;
    } else {
      this.calculateTimeWindow();
      rate = precise(RATE_LIMITER.scaleConstant * (this.seconds() - this.lastThrottleTime - this.timeWindow) ** 3 + this.lastMaxRate);
    }
    this.updateBucketRate(Math.min(rate, 2 * this.measuredTxRate));
  }

  private seconds(): number {
    return this.nowMs() / 1000;
  }

  private refill(): void {
    const timestamp = this.seconds();
    if (!this.lastTimestamp) {
      this.lastTimestamp = timestamp;
      return;
    }
    this.availableTokens = Math.min(this.maxCapacity, this.availableTokens + (timestamp - this.lastTimestamp) * this.fillRate);
    this.lastTimestamp = timestamp;
  }

  private calculateTimeWindow(): void {
    this.timeWindow = precise(((this.lastMaxRate * (1 - RATE_LIMITER.beta)) / RATE_LIMITER.scaleConstant) ** (1 / 3));
  }

  private updateBucketRate(rate: number): void {
    this.refill();
    this.fillRate = Math.max(rate, RATE_LIMITER.minFillRate);
    this.maxCapacity = Math.max(rate, RATE_LIMITER.minCapacity);
    this.availableTokens = Math.min(this.availableTokens, this.maxCapacity);
  }

  private updateMeasuredRate(): void {
    const bucket = Math.floor(this.seconds() * 2) / 2;
    this.requestCount++;
    if (bucket > this.lastTxRateBucket) {
      const currentRate = this.requestCount / (bucket - this.lastTxRateBucket);
      this.measuredTxRate = precise(currentRate * RATE_LIMITER.smooth + this.measuredTxRate * (1 - RATE_LIMITER.smooth));
      this.requestCount = 0;
      this.lastTxRateBucket = bucket;
    }
  }
}

function precise(n: number): number {
  return parseFloat(n.toFixed(8));
}
