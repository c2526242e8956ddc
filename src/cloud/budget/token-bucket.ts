// One token bucket, refilled continuously: never more than `burst` at once, `perSecond` on average.
// It may go below zero when calls are charged after the fact; later calls then wait it off.
import type { BucketRate } from './rates.js';

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly name: string,
    readonly rate: BucketRate,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.at = now;
  }

  level(now: number): number {
    if (now > this.at) {
      this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.at) / 1000) * this.rate.perSecond);
      this.at = now;
    }
    return this.tokens;
  }

  /** Whether `count` tokens can be taken now; a request above the burst waits for a full bucket. */
  has(count: number, now: number): boolean {
    return this.level(now) >= Math.min(count, this.rate.burst);
  }

  /** Milliseconds until has(count) holds (0 when it does now). */
  msUntil(count: number, now: number): number {
    const short = Math.min(count, this.rate.burst) - this.level(now);
    return short <= 0 ? 0 : Math.max(1, Math.ceil((short / this.rate.perSecond) * 1000));
  }

  take(count: number, now: number): void {
    this.level(now);
    this.tokens -= count;
  }

  /** Gives back tokens taken for a call that was not made. */
  give(count: number, now: number): void {
    this.tokens = Math.min(this.rate.burst, this.level(now) + count);
  }
}
