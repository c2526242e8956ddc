// The call budget: keelson's own pacing of AWS requests, per service and region (Route 53: per
// account), so that all passes of one controller together stay within AWS's documented rates.
// A request waits for a token on the injected clock; waiting rollout calls go before waiting
// steady-state ones. A wait longer than maxWaitMs ends in a retryable Throttled error that is
// logged and counted, never in a silent stall. The SDK's retries and adaptive rate limiter stay
// behind it, for the throttling keelson cannot see (other clients of the same account).
import { CloudError } from '../errors.js';
import type { CallPriority } from '../ports.js';
import { bucketsFor, ratesWith, type BudgetService, type RateOverrides, type ServiceRates } from './rates.js';
import { TokenBucket } from './token-bucket.js';

/** Time as the budget needs it: `sleep` is how a wait is spent (counted as waiting on the clock in a rehearsal). */
export interface BudgetClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface BudgetCall {
  service: BudgetService;
  api: string;
  priority: CallPriority;
}

/** Told about waits and bucket levels, for metrics. */
export interface BudgetObserver {
  waited?(call: BudgetCall, ms: number): void;
  tokens?(service: BudgetService, bucket: string, tokens: number): void;
  timedOut?(call: BudgetCall, ms: number): void;
}

export interface CallBudgetOptions {
  clock: BudgetClock;
  /** Rates in place of the documented ones, by `service.bucket`. */
  rates?: RateOverrides;
  /** A call that has waited this long fails as Throttled (retried by the queue). Default 60 s. */
  maxWaitMs?: number;
  observer?: BudgetObserver;
  /** One line per call that waited too long. */
  logger?: { warn(fields: object, message: string): void };
}

export const DEFAULT_MAX_WAIT_MS = 60_000;

/** The code a budget wait that ran out carries as its AWS-side code: it never reached AWS. */
export const BUDGET_EXHAUSTED = 'CallBudgetExhausted';

const PRIORITIES: readonly CallPriority[] = ['rollout', 'steady'];

interface Waiter extends BudgetCall {
  buckets: TokenBucket[];
  count: number;
  since: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const callOf = (w: Waiter): BudgetCall => ({ service: w.service, api: w.api, priority: w.priority });

/** The buckets of one service in one region (or account), and the calls waiting on them. */
class Lane {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly waiting: Record<CallPriority, Waiter[]> = { rollout: [], steady: [] };
  private pumping = false;

  constructor(
    private readonly service: BudgetService,
    private readonly rates: ServiceRates,
    private readonly options: CallBudgetOptions & { maxWaitMs: number },
  ) {}

  acquire(api: string, priority: CallPriority, count: number): Promise<void> {
    const buckets = this.bucketsOf(api);
    if (buckets.length === 0 || count <= 0) return Promise.resolve();
    const now = this.options.clock.now();
    const call = { service: this.service, api, priority };
    // Straight through only when nobody at this priority or above waits on the same buckets.
    const ahead = PRIORITIES.slice(0, PRIORITIES.indexOf(priority) + 1).some((p) => this.waiting[p].some((w) => w.buckets.some((b) => buckets.includes(b))));
    if (!ahead && buckets.every((b) => b.has(count, now))) {
      this.take(buckets, count, now);
      this.options.observer?.waited?.(call, 0);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting[priority].push({ ...call, buckets, count, since: now, resolve, reject });
      void this.pump();
    });
  }

  /** Takes tokens for calls already made (their number known only from the answer). */
  charge(api: string, count: number): void {
    if (count > 0) this.take(this.bucketsOf(api), count, this.options.clock.now());
  }

  refund(api: string, count: number): void {
    const now = this.options.clock.now();
    for (const b of this.bucketsOf(api)) b.give(count, now);
    this.report(this.bucketsOf(api), now);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = this.serve(); next !== undefined; next = this.serve()) await this.options.clock.sleep(next);
    } finally {
      this.pumping = false;
    }
  }

  /** Lets through every waiting call it can, rollouts first; ms until it should look again. */
  private serve(): number | undefined {
    const now = this.options.clock.now();
    // A bucket a waiting call needs is held for it: nobody behind it takes that bucket's tokens.
    const held = new Set<TokenBucket>();
    let next = Infinity;
    for (const priority of PRIORITIES) {
      const still: Waiter[] = [];
      for (const w of this.waiting[priority]) {
        if (!w.buckets.some((b) => held.has(b)) && w.buckets.every((b) => b.has(w.count, now))) {
          this.take(w.buckets, w.count, now);
          this.options.observer?.waited?.(callOf(w), now - w.since);
          w.resolve();
          continue;
        }
        const waited = now - w.since;
        if (waited >= this.options.maxWaitMs) {
          this.giveUp(w, waited);
          continue;
        }
        still.push(w);
        for (const b of w.buckets) held.add(b);
        next = Math.min(next, this.options.maxWaitMs - waited, ...w.buckets.map((b) => b.msUntil(w.count, now)).filter((ms) => ms > 0));
      }
      this.waiting[priority] = still;
    }
    return next === Infinity ? undefined : Math.max(1, next);
  }

  private giveUp(w: Waiter, waited: number): void {
    this.options.observer?.timedOut?.(callOf(w), waited);
    this.options.logger?.warn(
      { code: 'Throttled', awsCode: BUDGET_EXHAUSTED, service: w.service, api: w.api, priority: w.priority, waitedMs: waited },
      `${w.service}:${w.api} waited ${Math.round(waited / 1000)}s for keelson's call budget; the pass is retried`,
    );
    w.reject(
      new CloudError('Throttled', `${w.service} ${w.api}: no request budget within ${Math.round(waited / 1000)}s (keelson's own pacing of AWS's rate)`, {
        service: w.service,
        operation: w.api,
        awsCode: BUDGET_EXHAUSTED,
      }),
    );
  }

  private take(buckets: TokenBucket[], count: number, now: number): void {
    for (const b of buckets) b.take(count, now);
    this.report(buckets, now);
  }

  private report(buckets: TokenBucket[], now: number): void {
    for (const b of buckets) this.options.observer?.tokens?.(this.service, b.name, b.level(now));
  }

  private bucketsOf(api: string): TokenBucket[] {
    return bucketsFor(this.rates, api).map((name) => {
      let bucket = this.buckets.get(name);
      if (!bucket) {
        const spec = this.rates.buckets[name];
        if (!spec) throw new Error(`no bucket ${name}`);
        bucket = new TokenBucket(name, spec, this.options.clock.now());
        this.buckets.set(name, bucket);
      }
      return bucket;
    });
  }
}

/** One budget per controller: every pass's calls draw on it. */
export class CallBudget {
  private readonly lanes = new Map<string, Lane>();
  private readonly rates: Record<BudgetService, ServiceRates>;
  private readonly options: CallBudgetOptions & { maxWaitMs: number };

  constructor(options: CallBudgetOptions) {
    this.options = { ...options, maxWaitMs: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS };
    this.rates = ratesWith(options.rates);
  }

  /** Resolves when `count` requests to `api` may go; rejects Throttled after maxWaitMs. */
  acquire(service: BudgetService, region: string | undefined, api: string, priority: CallPriority, count = 1): Promise<void> {
    return this.lane(service, region).acquire(api, priority, count);
  }

  charge(service: BudgetService, region: string | undefined, api: string, count = 1): void {
    this.lane(service, region).charge(api, count);
  }

  refund(service: BudgetService, region: string | undefined, api: string, count = 1): void {
    this.lane(service, region).refund(api, count);
  }

  private lane(service: BudgetService, region: string | undefined): Lane {
    const rates = this.rates[service];
    const key = `${service}|${rates.scope === 'account' ? '*' : (region ?? '')}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(service, rates, this.options);
      this.lanes.set(key, lane);
    }
    return lane;
  }
}
