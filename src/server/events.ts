// GET /api/v1/events: server-sent events for the dashboard, one `release` event (the summary row
// of GET /api/v1/releases) per Release whose status changed. Changes come from the StatusFeed of
// the store this process writes through, or, without one, from polling the store. Each stream is
// bounded: a client that does not read is dropped rather than allowed to grow the process.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReleaseStatus } from '../api/types.js';
import { HttpApiError } from './errors.js';
import type { HttpServerOptions } from './http.js';
import { specsByName, type LabelsOf, type ReleaseOf } from './release-specs.js';
import { parsePhases, parseSelector, passes, ListParameterError, type ReleaseFilter } from './release-list.js';
import { summarize, type ReleaseSummary } from './releases.js';
import { ReleaseTrail } from './release-trail.js';
import { readAllStatuses } from '../store/read-statuses.js';
import type { StatusChange } from './status-feed.js';

export const EVENT_STREAM_LIMITS = {
  /** Streams open at once; one more is answered 503 TooManyStreams. */
  maxStreams: 64,
  /** Bytes a stream may have queued unread before it is dropped. */
  maxQueuedBytes: 256 * 1024,
  /** Events kept to replay to a client reconnecting with Last-Event-ID. */
  replay: 1_000,
  /** Changes are gathered this long and sent together, the newest status of each Release. */
  coalesceMs: 100,
  /** Without a feed, the store is read this often while a stream is open. */
  pollMs: 2_000,
  /** The client waits this long before reconnecting (the `retry:` field). */
  retryMs: 2_000,
  /** Heartbeats at least this often; also under a third of the idle socket timeout. */
  heartbeatMs: 15_000,
} as const;

interface Recorded {
  seq: number;
  name: string;
  phase: ReleaseStatus['phase'] | undefined;
  labels: Readonly<Record<string, string>> | undefined;
  /** Undefined: the Release's status was deleted. */
  summary: ReleaseSummary | undefined;
}

interface Stream {
  res: ServerResponse;
  filter: ReleaseFilter;
  /** For a reader with scoped roles: which of some Releases it may see. */
  visible?: (names: Iterable<string>) => Promise<(name: string) => boolean>;
}

export interface EventHubOptions {
  heartbeatMs: number;
  limits?: Partial<typeof EVENT_STREAM_LIMITS>;
}

/** The dashboard's live side of the server: the event streams and the Releases' trails. */
export class EventHub {
  readonly trail = new ReleaseTrail();
  /** Ids name this process: an id from before a restart is not taken for one of ours. */
  private readonly epoch = randomUUID().slice(0, 8);
  private readonly limits: typeof EVENT_STREAM_LIMITS;
  private readonly streams = new Set<Stream>();
  private readonly recent: Recorded[] = [];
  private readonly pending = new Map<string, ReleaseStatus | undefined>();
  private seq = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** Last seen status of each Release, when polling (JSON, to compare). */
  /** Each status as last polled. */
  private polled: Map<string, ReleaseStatus> | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private readonly metrics: { open: Gauge; dropped: Counter<'reason'> } | undefined;

  constructor(
    private readonly options: HttpServerOptions,
    private readonly hub: EventHubOptions,
  ) {
    this.limits = { ...EVENT_STREAM_LIMITS, ...hub.limits };
    this.unsubscribe = options.statusFeed?.subscribe((change) => this.changed(change));
    this.metrics = options.metrics?.registry ? streamMetrics(options.metrics.registry) : undefined;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Opens a stream on `res`: replays after lastEventId when it can, else tells the client to reload. */
  open(res: ServerResponse, query: URLSearchParams, lastEventId: string | undefined, visible?: Stream['visible']): void {
    const filter = streamFilter(query);
    if (this.streams.size >= this.limits.maxStreams) {
      this.metrics?.dropped.inc({ reason: 'too_many' });
      this.options.logger.warn({ code: 'TooManyStreams', open: this.streams.size }, 'event stream refused: too many open');
      throw new HttpApiError('TooManyStreams', `${this.streams.size} event streams are open, the most this server keeps; try again later`, { 'retry-after': '10' });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies that buffer (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    });
    const stream: Stream = { res, filter, ...(visible ? { visible } : {}) };
    this.streams.add(stream);
    this.metrics?.open.set(this.streams.size);
    res.on('close', () => this.forget(stream));
    let text = `retry: ${this.limits.retryMs}\n\n`;
    // A scoped reader reloads the list (which its scope filters) rather than replaying unfiltered events.
    const replay = visible ? undefined : this.replayAfter(lastEventId);
    if (replay) for (const r of replay) text += this.render(r, filter);
    else text += `id: ${this.epoch}.${this.seq}\nevent: reset\ndata: {}\n\n`;
    this.write(stream, text);
    this.startTimers();
  }

  /** Ends every stream (the server is closing: open streams would keep it from closing). */
  close(): void {
    this.unsubscribe?.();
    for (const stream of this.streams) stream.res.end();
    this.streams.clear();
    this.stopTimers();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  private changed(change: StatusChange): void {
    this.trail.record(change.name, change.status, this.options.clock.now());
    this.pending.set(change.name, change.status);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.limits.coalesceMs);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const changes = [...this.pending];
    this.pending.clear();
    if (changes.length === 0) return;
    let labelsOf: LabelsOf = () => undefined;
    let releaseOf: ReleaseOf = () => undefined;
    try {
      // Labels and specs (the step count of a row, as in the list) come from one read of the store.
      ({ labelsOf, releaseOf } = await specsByName(
        this.options.store,
        this.options.controller,
        changes.map(([name]) => name),
      ));
    } catch (err) {
      // Rows go out without labels rather than not at all; a label filter then leaves them out.
      this.options.logger.warn({ code: errorCode(err), err: err instanceof Error ? err.message : String(err) }, 'event stream: labels could not be read');
      this.metrics?.dropped.inc({ reason: 'labels_unread' });
    }
    const now = this.options.clock.now();
    const batch: Recorded[] = [];
    for (const [name, status] of changes) {
      const labels = labelsOf(name);
      const recorded: Recorded = { seq: ++this.seq, name, phase: status?.phase, labels, summary: status ? summarize(name, status, now, labels, releaseOf(name)) : undefined };
      this.recent.push(recorded);
      if (this.recent.length > this.limits.replay) this.recent.splice(0, this.recent.length - this.limits.replay);
      batch.push(recorded);
    }
    const names = batch.map((r) => r.name);
    await Promise.all(
      [...this.streams].map(async (stream) => {
        const shown = stream.visible ? await this.visibleOrNone(stream.visible, names) : () => true;
        for (const r of batch) if (shown(r.name)) this.write(stream, this.render(r, stream.filter));
      }),
    );
  }

  /** A scope that cannot be judged (the store unread) shows nothing rather than too much. */
  private async visibleOrNone(visible: NonNullable<Stream['visible']>, names: string[]): Promise<(name: string) => boolean> {
    try {
      return await visible(names);
    } catch (err) {
      this.options.logger.warn({ code: errorCode(err), err: err instanceof Error ? err.message : String(err) }, 'event stream: the reader\'s scope could not be judged');
      this.metrics?.dropped.inc({ reason: 'scope_unread' });
      return () => false;
    }
  }

  private render(r: Recorded, filter: ReleaseFilter): string {
    const id = `id: ${this.epoch}.${r.seq}\n`;
    // A Release that left the filter (its phase moved on) is removed from the client's list.
    if (!r.summary || !r.phase || passes(filter, { phase: r.phase }, r.labels) !== true) return `${id}event: remove\ndata: ${JSON.stringify({ name: r.name })}\n\n`;
    return `${id}event: release\ndata: ${JSON.stringify(r.summary)}\n\n`;
  }

  private replayAfter(lastEventId: string | undefined): Recorded[] | undefined {
    const found = /^([0-9a-f]{8})\.(\d+)$/.exec(lastEventId ?? '');
    if (!found || found[1] !== this.epoch) return undefined;
    const after = Number(found[2]);
    const oldest = this.recent[0]?.seq ?? this.seq + 1;
    // Events after `after` must all still be held, else the client has missed some.
    if (after > this.seq || after + 1 < oldest) return undefined;
    return this.recent.filter((r) => r.seq > after);
  }

  private write(stream: Stream, text: string): void {
    if (stream.res.destroyed) return;
    if (stream.res.writableLength > this.limits.maxQueuedBytes) {
      this.metrics?.dropped.inc({ reason: 'slow_client' });
      this.options.logger.warn({ code: 'SlowClient', queuedBytes: stream.res.writableLength }, 'event stream dropped: the client does not read its events');
      stream.res.destroy();
      this.forget(stream);
      return;
    }
    stream.res.write(text);
  }

  private forget(stream: Stream): void {
    this.streams.delete(stream);
    this.metrics?.open.set(this.streams.size);
    if (this.streams.size === 0) this.stopTimers();
  }

  private startTimers(): void {
    this.heartbeat ??= setInterval(() => {
      for (const stream of this.streams) this.write(stream, ': heartbeat\n\n');
    }, this.hub.heartbeatMs);
    if (!this.options.statusFeed) this.poller ??= setInterval(() => void this.poll(), this.limits.pollMs);
  }

  private stopTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.poller) clearInterval(this.poller);
    this.heartbeat = undefined;
    this.poller = undefined;
    this.polled = undefined;
  }

  /** Without a feed: read every status and tell what changed since the last read. */
  private async poll(): Promise<void> {
    let statuses: ReadonlyMap<string, ReleaseStatus>;
    try {
      // Read to compare only: the store's shared objects, or its list kept fresh by a change feed (DynamoDB).
      statuses = await readAllStatuses(this.options.store);
    } catch (err) {
      this.options.logger.warn({ code: errorCode(err), err: err instanceof Error ? err.message : String(err) }, 'event stream: the state store could not be read');
      this.metrics?.dropped.inc({ reason: 'store_unread' });
      return;
    }
    const before = this.polled;
    this.polled = new Map();
    for (const [name, status] of statuses) {
      this.polled.set(name, status);
      if (!before) continue;
      // The store lends its own frozen objects: the same object is unchanged, and only another one is compared.
      const was = before.get(name);
      if (was !== status && (!was || JSON.stringify(was) !== JSON.stringify(status))) this.changed({ name, status });
    }
    for (const name of before?.keys() ?? []) if (!statuses.has(name)) this.changed({ name, status: undefined });
  }
}

function streamFilter(query: URLSearchParams): ReleaseFilter {
  try {
    return { selector: parseSelector(query.get('labelSelector') ?? undefined), phases: parsePhases(query.get('phase') ?? undefined) };
  } catch (err) {
    if (!(err instanceof ListParameterError)) throw err;
    throw new HttpApiError('InvalidParameter', err.message, {}, { parameter: err.parameter, ...(err.position !== undefined ? { position: err.position } : {}) });
  }
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'Internal';
}

function streamMetrics(registry: Registry): { open: Gauge; dropped: Counter<'reason'> } {
  const open =
    (registry.getSingleMetric('keelson_event_streams') as Gauge | undefined) ??
    new Gauge({ name: 'keelson_event_streams', help: 'Open event streams (GET /api/v1/events).', registers: [registry] });
  const dropped =
    (registry.getSingleMetric('keelson_event_stream_failures_total') as Counter<'reason'> | undefined) ??
    new Counter({
      name: 'keelson_event_stream_failures_total',
      help: 'Event streams refused or dropped, and changes not read: too_many, slow_client, store_unread, labels_unread.',
      labelNames: ['reason'],
      registers: [registry],
    });
  return { open, dropped };
}
