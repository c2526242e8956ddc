// Push notifications from GitHub and GitLab (mounted at POST /webhooks/git). A verified push
// to the watched branch asks the Git source to fetch at once; everything else is answered
// without a fetch. The secret is compared in constant time; a delivery seen before is not fetched again.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../runtime/clock.js';

export interface WebhookRequest {
  /** Header names in any case (Node gives them in lower case). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface WebhookOptions {
  secret: string;
  branch: string;
}

export interface WebhookAnswer {
  status: number;
  message: string;
  /** True when the Git source should fetch now. */
  trigger: boolean;
}

export function handleGitWebhook(request: WebhookRequest, options: WebhookOptions): WebhookAnswer {
  const header = (name: string): string | undefined => {
    const key = Object.keys(request.headers).find((k) => k.toLowerCase() === name);
    const value = key === undefined ? undefined : request.headers[key];
    return Array.isArray(value) ? value[0] : value;
  };
  if (!options.secret) return answer(500, 'no webhook secret is configured');
  const githubEvent = header('x-github-event');
  if (githubEvent !== undefined) return github(githubEvent, header('x-hub-signature-256'), request.body, options);
  const gitlabEvent = header('x-gitlab-event');
  if (gitlabEvent !== undefined) return gitlab(gitlabEvent, header('x-gitlab-token'), request.body, options);
  return answer(400, 'not a GitHub or GitLab webhook (no X-GitHub-Event or X-Gitlab-Event header)');
}

function github(event: string, signature: string | undefined, body: Buffer, options: WebhookOptions): WebhookAnswer {
  if (!signature?.startsWith('sha256=')) return answer(401, 'missing X-Hub-Signature-256');
  const expected = `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}`;
  if (!constantTimeEqual(signature, expected)) return answer(401, 'signature does not match');
  if (event === 'ping') return answer(200, 'pong');
  if (event !== 'push') return answer(200, `ignored: event ${event}`);
  return push(body, options.branch);
}

function gitlab(event: string, token: string | undefined, body: Buffer, options: WebhookOptions): WebhookAnswer {
  if (token === undefined || !constantTimeEqual(token, options.secret)) return answer(401, 'X-Gitlab-Token does not match');
  if (event !== 'Push Hook') return answer(200, `ignored: event ${event}`);
  return push(body, options.branch);
}

function push(body: Buffer, branch: string): WebhookAnswer {
  let ref: unknown;
  try {
    ref = (JSON.parse(body.toString('utf8')) as { ref?: unknown }).ref;
  } catch {
    return answer(400, 'body is not JSON');
  }
  if (typeof ref !== 'string') return answer(400, 'push without a ref');
  if (ref !== `refs/heads/${branch}`) return answer(200, `ignored: push to ${ref}, watching refs/heads/${branch}`);
  return { status: 202, message: `fetching ${branch}`, trigger: true };
}

/** Hashing first gives equal lengths, so neither the content nor the length leaks through timing. */
function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function answer(status: number, message: string): WebhookAnswer {
  return { status, message, trigger: false };
}

/** The ids a Git host gives each delivery; a redelivery (or a replay) repeats them. */
const DELIVERY_ID_HEADERS = ['x-github-delivery', 'x-gitlab-event-uuid', 'idempotency-key'] as const;

export const WEBHOOK_DELIVERY_DEFAULTS = {
  /** Deliveries remembered at most; the least recently seen are forgotten first. */
  limit: 10_000,
  /** How long a delivery id is remembered. */
  ttlMs: 24 * 60 * 60_000,
} as const;

/** Delivery ids seen lately: a bounded LRU whose entries expire after a TTL on the given clock. */
export class RecentDeliveries {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limit: number = WEBHOOK_DELIVERY_DEFAULTS.limit,
    private readonly ttlMs: number = WEBHOOK_DELIVERY_DEFAULTS.ttlMs,
  ) {}

  /** True when the id was seen within the TTL; otherwise remembers it and returns false. */
  repeat(id: string): boolean {
    const now = this.clock.now();
    const at = this.seenAt.get(id);
    this.seenAt.delete(id);
    this.seenAt.set(id, at !== undefined && now - at < this.ttlMs ? at : now);
    if (at !== undefined && now - at < this.ttlMs) return true;
    for (const [oldest, when] of this.seenAt) {
      if (this.seenAt.size <= this.limit && now - when < this.ttlMs) break;
      this.seenAt.delete(oldest);
    }
    return false;
  }

  get size(): number {
    return this.seenAt.size;
  }
}

function deliveryId(headers: WebhookRequest['headers']): string | undefined {
  for (const name of DELIVERY_ID_HEADERS) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    const raw = key === undefined ? undefined : headers[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value) return `${name}:${value}`;
  }
  return undefined;
}

export interface GitWebhookOptions {
  clock: Pick<Clock, 'now'>;
  deliveryLimit?: number;
  deliveryTtlMs?: number;
}

/**
 * The handler the HTTP server mounts at POST /webhooks/git for one Git source: answers at once
 * and lets the fetch run on (its outcome reaches the controller through the source's watch).
 * A delivery id seen before is answered without a second fetch.
 */
export function webhookForGitSource(
  source: { readonly branch: string; triggerFetch(): Promise<void> },
  secret: string,
  options: GitWebhookOptions,
): (request: WebhookRequest) => Promise<WebhookAnswer> {
  const deliveries = new RecentDeliveries(options.clock, options.deliveryLimit, options.deliveryTtlMs);
  return async (request) => {
    const answer = handleGitWebhook(request, { secret, branch: source.branch });
    // Only a verified request may claim an id, so a forger cannot mask a real delivery.
    const id = answer.status < 400 ? deliveryId(request.headers) : undefined;
    if (id !== undefined && deliveries.repeat(id)) return { status: 200, message: 'duplicate delivery', trigger: false };
    if (answer.trigger) void source.triggerFetch();
    return answer;
  };
}
