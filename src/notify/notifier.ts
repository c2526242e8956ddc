// Delivers rollout events to notification targets without ever holding up the reconciler:
// emit() formats and queues, a worker per target posts in the background, in order, retrying
// with backoff on the injected clock. A target that is down only fills its own bounded queue.

import type { Clock } from '../runtime/clock.js';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, verdictFor } from './backoff.js';
import type { BackoffPolicy } from './backoff.js';
import type { EventSink, RolloutEvent, RolloutEventType } from './events.js';
import { httpPost } from './post.js';
import type { PostFunction } from './post.js';
import { FORMATTERS, targetWants } from './target.js';
import type { NotificationTarget } from './target.js';

/** pino's Logger fits this. */
export interface NotifyLogger {
  warn(details: object, message: string): void;
}

export interface NotifierOptions {
  targets: NotificationTarget[];
  clock: Clock;
  /** Default: httpPost() (fetch with a 10 s timeout). */
  post?: PostFunction;
  /** Messages waiting per target; when full the oldest is dropped. Default 500. */
  queueLimit?: number;
  backoff?: Partial<BackoffPolicy>;
  logger?: NotifyLogger;
}

export interface DeliveryCounts {
  /** Delivered (2xx). */
  sent: number;
  /** Given up on: refused (4xx), out of tries, unformattable, or cut short by close(). */
  failed: number;
  /** Pushed out of a full queue, or emitted after close(). */
  dropped: number;
  /** Tries after the first. */
  retried: number;
  /** Waiting or being delivered now. */
  queued: number;
}

export interface NotifierStats extends DeliveryCounts {
  targets: Record<string, DeliveryCounts>;
}

interface Message {
  type: RolloutEventType;
  release: string;
  body: string;
}

interface TargetQueue {
  target: NotificationTarget;
  waiting: Message[];
  delivering: boolean;
  worker: Promise<void> | undefined;
  counts: Omit<DeliveryCounts, 'queued'>;
  /** Warn once per overflow, not once per dropped message. */
  overflowReported: boolean;
}

const DEFAULT_QUEUE_LIMIT = 500;

export class Notifier implements EventSink {
  private readonly queues: TargetQueue[];
  private readonly clock: Clock;
  private readonly post: PostFunction;
  private readonly queueLimit: number;
  private readonly backoff: BackoffPolicy;
  private readonly logger: NotifyLogger | undefined;
  private readonly closing = new AbortController();

  constructor(options: NotifierOptions) {
    this.clock = options.clock;
    this.post = options.post ?? httpPost();
    this.queueLimit = Math.max(1, options.queueLimit ?? DEFAULT_QUEUE_LIMIT);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.logger = options.logger;
    this.queues = options.targets.map((target) => ({
      target,
      waiting: [],
      delivering: false,
      worker: undefined,
      counts: { sent: 0, failed: 0, dropped: 0, retried: 0 },
      overflowReported: false,
    }));
  }

  emit(event: RolloutEvent): void {
    for (const queue of this.queues) {
      try {
        this.enqueue(queue, event);
      } catch (err) {
        queue.counts.failed++;
        const about = event as Partial<RolloutEvent> | null | undefined;
        this.warn(queue, { event: about?.type, release: about?.release, error: describeError(err) }, 'notification could not be formatted');
      }
    }
  }

  /** Resolves once every message queued so far is delivered or given up on. */
  async flush(): Promise<void> {
    for (;;) {
      const workers = this.queues.map((q) => q.worker).filter((w): w is Promise<void> => w !== undefined);
      if (workers.length === 0) return;
      await Promise.all(workers);
    }
  }

  /**
   * Ends delivery quickly, for shutdown: stops taking events, cuts backoff waits short and gives
   * up on waiting messages (all counted as failed), then waits for the requests in flight.
   * To deliver what can be delivered first, race flush() against a deadline, then close().
   */
  async close(): Promise<void> {
    this.closing.abort(new Error('notifier closed'));
    await this.flush();
  }

  stats(): NotifierStats {
    const total: NotifierStats = { sent: 0, failed: 0, dropped: 0, retried: 0, queued: 0, targets: {} };
    for (const queue of this.queues) {
      const counts: DeliveryCounts = { ...queue.counts, queued: queue.waiting.length + (queue.delivering ? 1 : 0) };
      total.targets[queue.target.name] = counts;
      total.sent += counts.sent;
      total.failed += counts.failed;
      total.dropped += counts.dropped;
      total.retried += counts.retried;
      total.queued += counts.queued;
    }
    return total;
  }

  private enqueue(queue: TargetQueue, event: RolloutEvent): void {
    if (!targetWants(queue.target, event)) return;
    if (this.closing.signal.aborted) {
      queue.counts.dropped++;
      return;
    }
    // Formatted now, so a caller that reuses its event object cannot change what is sent.
    const body = JSON.stringify(FORMATTERS[queue.target.format](event));
    queue.waiting.push({ type: event.type, release: event.release, body });
    if (queue.waiting.length > this.queueLimit) {
      const dropped = queue.waiting.shift();
      queue.counts.dropped++;
      if (!queue.overflowReported) {
        queue.overflowReported = true;
        this.warn(queue, { event: dropped?.type, release: dropped?.release, queueLimit: this.queueLimit }, 'notification queue full, dropping the oldest');
      }
    }
    queue.worker ??= this.drain(queue);
  }

  /** Never rejects. Clears queue.worker in the same turn it finds the queue empty, so no message is left behind. */
  private async drain(queue: TargetQueue): Promise<void> {
    try {
      // Start after emit() has returned: the caller never waits on a request being set up.
      await Promise.resolve();
      for (let message = queue.waiting.shift(); message; message = queue.waiting.shift()) {
        if (this.closing.signal.aborted) {
          queue.counts.failed++;
          continue;
        }
        queue.delivering = true;
        try {
          await this.deliver(queue, message);
        } finally {
          queue.delivering = false;
        }
      }
    } catch (err) {
      this.warn(queue, { error: describeError(err) }, 'notification delivery stopped unexpectedly');
    } finally {
      queue.worker = undefined;
      queue.overflowReported = false;
    }
  }

  private async deliver(queue: TargetQueue, message: Message): Promise<void> {
    const { target } = queue;
    const about = { event: message.type, release: message.release };
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retryAfterMs: number | undefined;
      try {
        const result = await this.post(target.url, message.body, target.headers);
        const verdict = verdictFor(result.status);
        if (verdict === 'sent') {
          queue.counts.sent++;
          return;
        }
        if (verdict === 'refused') {
          queue.counts.failed++;
          this.warn(queue, { ...about, status: result.status, response: result.body }, 'notification refused by the receiver');
          return;
        }
        problem = `HTTP ${result.status}`;
        retryAfterMs = parseRetryAfter(result.retryAfter, this.clock.now());
      } catch (err) {
        problem = redact(describeError(err), target.url);
      }
      if (attempt >= this.backoff.maxAttempts || this.closing.signal.aborted) {
        queue.counts.failed++;
        this.warn(queue, { ...about, attempts: attempt, error: problem }, 'notification not delivered, giving up');
        return;
      }
      const delay = retryAfterMs === undefined ? backoffDelay(this.backoff, attempt) : Math.min(retryAfterMs, this.backoff.maxRetryAfterMs);
      try {
        await this.clock.sleep(delay, this.closing.signal);
      } catch {
        queue.counts.failed++;
        this.warn(queue, { ...about, attempts: attempt, error: problem }, 'notification not delivered before shutdown');
        return;
      }
      queue.counts.retried++;
    }
  }

  private warn(queue: TargetQueue, details: object, message: string): void {
    try {
      this.logger?.warn({ target: queue.target.name, ...details }, message);
    } catch {
      // A broken logger must not break delivery either.
    }
  }
}

/** A Slack webhook URL is a credential: it must not reach the logs inside an error message. */
function redact(text: string, url: string): string {
  return url ? text.split(url).join('<target url>') : text;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}
