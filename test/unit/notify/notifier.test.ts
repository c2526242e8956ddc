import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { Notifier } from '../../../src/notify/notifier.js';
import type { NotifierOptions, NotifyLogger } from '../../../src/notify/notifier.js';
import { httpPost } from '../../../src/notify/post.js';
import type { PostFunction } from '../../../src/notify/post.js';
import type { SlackMessage } from '../../../src/notify/slack.js';
import type { WebhookPayload } from '../../../src/notify/webhook.js';
import { fixtureEvent } from './events.js';
import { deadUrl, startReceiver } from './receiver.js';
import type { Answer, Receiver } from './receiver.js';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(clock: VirtualClock, answers: Answer[] = [{ status: 200 }]): Promise<Receiver> {
  const started = await startReceiver(answers, () => clock.now());
  receivers.push(started);
  return started;
}

/**
 * Waits until everything emitted is delivered or given up on, moving virtual time to each
 * backoff timer as soon as one is pending. The only real waiting is the loopback I/O.
 */
async function deliverAll(notifier: Notifier, clock: VirtualClock): Promise<void> {
  let done = false;
  const flushed = notifier.flush().then(() => {
    done = true;
  });
  while (!done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const next = clock.nextTimerAt();
    if (next !== undefined) await clock.advanceTo(next);
  }
  await flushed;
}

function recordingLogger(): NotifyLogger & { lines: { details: object; message: string }[] } {
  const lines: { details: object; message: string }[] = [];
  return { lines, warn: (details, message) => lines.push({ details, message }) };
}

function notifier(clock: VirtualClock, options: Partial<NotifierOptions> & Pick<NotifierOptions, 'targets'>): Notifier {
  return new Notifier({ clock, post: httpPost({ timeoutMs: 5_000 }), ...options });
}

describe('Notifier delivering to webhooks on loopback', () => {
  it('posts the Slack message of a revert: revision from → to, failed condition with its value, targets, digest', async () => {
    const clock = new VirtualClock();
    const slack = await receiver(clock);
    const sink = notifier(clock, { targets: [{ name: 'deploys', url: slack.url, format: 'slack' }] });

    sink.emit(fixtureEvent('reverted'));
    await deliverAll(sink, clock);

    expect(slack.received).toHaveLength(1);
    const request = slack.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/T000/B000/secret');
    expect(request.headers['content-type']).toBe('application/json');
    const message = JSON.parse(request.body) as SlackMessage;
    expect(message.text).toContain('⏪ Reverted: aep-backend-prod');
    expect(message.text).toContain('*Revision:* aep-backend-prod:11 → aep-backend-prod:13');
    expect(message.text).toContain('*Failed:* errors failed: value 31.42, threshold max 5');
    expect(message.text).toContain('*Targets:* ✅ 2/2 healthy');
    expect(message.text).toContain(`*Rollback:* aep-backend-prod:11 (digest ${DIGEST})`);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(sink.stats()).toMatchObject({ sent: 1, failed: 0, dropped: 0, retried: 0, queued: 0 });
  });

  it('posts the generic JSON payload with its version and the event fields', async () => {
    const clock = new VirtualClock();
    const hook = await receiver(clock);
    const sink = notifier(clock, {
      targets: [{ name: 'audit', url: hook.url, format: 'json', headers: { authorization: 'Bearer audit-token' } }],
    });

    sink.emit(fixtureEvent('started'));
    await deliverAll(sink, clock);

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers.authorization).toBe('Bearer audit-token');
    const payload = JSON.parse(hook.received[0]!.body) as WebhookPayload;
    expect(payload).toMatchObject({
      version: 1,
      type: 'RolloutStarted',
      release: 'aep-backend-prod',
      fromRevision: 'aep-backend-prod:11',
      toRevision: 'aep-backend-prod:12',
      targets: { healthy: 2, total: 2 },
      by: '@alice',
    });
    expect(payload.rollbackTarget?.image).toContain(DIGEST);
  });

  it('delivers once after a 500, retrying after the backoff on the virtual clock', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const hook = await receiver(clock, [{ status: 500 }, { status: 200 }]);
    const sink = notifier(clock, { targets: [{ name: 'deploys', url: hook.url, format: 'slack' }], backoff: { initialDelayMs: 2_000 } });

    sink.emit(fixtureEvent('started'));
    await deliverAll(sink, clock);

    expect(hook.received.map((r) => r.at - start)).toEqual([0, 2_000]);
    expect(hook.received[1]!.body).toBe(hook.received[0]!.body);
    expect(sink.stats()).toMatchObject({ sent: 1, failed: 0, retried: 1 });
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const hook = await receiver(clock, [{ status: 429, headers: { 'retry-after': '30' } }, { status: 200 }]);
    const sink = notifier(clock, { targets: [{ name: 'deploys', url: hook.url, format: 'slack' }] });

    sink.emit(fixtureEvent('started'));
    await deliverAll(sink, clock);

    expect(hook.received.map((r) => r.at - start)).toEqual([0, 30_000]);
    expect(sink.stats()).toMatchObject({ sent: 1, retried: 1 });
  });

  it('does not retry a message the receiver refuses with 400, and logs its answer without the URL', async () => {
    const clock = new VirtualClock();
    const hook = await receiver(clock, [{ status: 400, body: 'invalid_blocks' }]);
    const logger = recordingLogger();
    const sink = notifier(clock, { targets: [{ name: 'deploys', url: hook.url, format: 'slack' }], logger });

    sink.emit(fixtureEvent('started'));
    await deliverAll(sink, clock);

    expect(hook.received).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
    expect(sink.stats()).toMatchObject({ sent: 0, failed: 1, retried: 0 });
    expect(logger.lines).toEqual([
      {
        message: 'notification refused by the receiver',
        details: { target: 'deploys', event: 'RolloutStarted', release: 'aep-backend-prod', status: 400, response: 'invalid_blocks' },
      },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
  });

  it('retries a dead port with growing delays, then gives up; emit never throws', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const url = await deadUrl();
    const attempts: number[] = [];
    const real = httpPost({ timeoutMs: 5_000 });
    const post: PostFunction = (...args) => {
      attempts.push(clock.now() - start);
      return real(...args);
    };
    const logger = recordingLogger();
    const sink = new Notifier({
      clock,
      post,
      logger,
      targets: [{ name: 'gone', url, format: 'json' }],
      backoff: { maxAttempts: 4, initialDelayMs: 1_000 },
    });

    expect(() => sink.emit(fixtureEvent('reverted'))).not.toThrow();
    await deliverAll(sink, clock);

    expect(attempts).toEqual([0, 1_000, 3_000, 7_000]);
    expect(sink.stats()).toMatchObject({ sent: 0, failed: 1, retried: 3, queued: 0 });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.message).toBe('notification not delivered, giving up');
    expect(logger.lines[0]!.details).toMatchObject({ target: 'gone', attempts: 4 });
  });

  it('keeps a webhook URL out of the log when the request fails with the URL in its error', async () => {
    const clock = new VirtualClock();
    const logger = recordingLogger();
    const url = 'http://127.0.0.1:99999/hooks/T000/B000/secret';
    const sink = notifier(clock, { logger, backoff: { maxAttempts: 1 }, targets: [{ name: 'deploys', url, format: 'slack' }] });

    sink.emit(fixtureEvent('started'));
    await deliverAll(sink, clock);

    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.details).toMatchObject({ error: expect.stringContaining('<target url>') });
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
  });
});

describe('Notifier queueing and filtering', () => {
  /** A post that records bodies and holds every answer until released. */
  function heldPost(): { post: PostFunction; bodies: string[]; release: () => void } {
    const bodies: string[] = [];
    let open: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (open = resolve));
    return {
      bodies,
      post: async (_url, body) => {
        bodies.push(body);
        await gate;
        return { status: 200 };
      },
      release: () => {
        open();
        gate = Promise.resolve();
      },
    };
  }

  it('sends each target only the events it asked for', async () => {
    const clock = new VirtualClock();
    const sent: Record<string, string[]> = {};
    const post: PostFunction = async (url, body) => {
      (sent[url] ??= []).push((JSON.parse(body) as WebhookPayload).type);
      return { status: 204 };
    };
    const sink = new Notifier({
      clock,
      post,
      targets: [
        { name: 'incidents', url: 'http://127.0.0.1/incidents', format: 'json', events: ['Reverted', 'Aborted'] },
        { name: 'prod', url: 'http://127.0.0.1/prod', format: 'json', labels: { env: 'prod' } },
        { name: 'web', url: 'http://127.0.0.1/web', format: 'json', releases: ['web-*'] },
      ],
    });

    sink.emit(fixtureEvent('started'));
    sink.emit(fixtureEvent('reverted'));
    sink.emit(fixtureEvent('started', { release: 'web-prod', labels: { env: 'staging' } }));
    await sink.flush();

    expect(sent).toEqual({
      'http://127.0.0.1/incidents': ['Reverted'],
      'http://127.0.0.1/prod': ['RolloutStarted', 'Reverted'],
      'http://127.0.0.1/web': ['RolloutStarted'],
    });
  });

  it('returns from emit before the request starts, and delivers in order', async () => {
    const clock = new VirtualClock();
    const held = heldPost();
    const sink = new Notifier({ clock, post: held.post, targets: [{ name: 't', url: 'http://127.0.0.1/t', format: 'json' }] });

    sink.emit(fixtureEvent('started'));
    sink.emit(fixtureEvent('reverted'));
    expect(held.bodies).toHaveLength(0);
    expect(sink.stats().queued).toBe(2);

    held.release();
    await sink.flush();
    expect(held.bodies.map((b) => (JSON.parse(b) as WebhookPayload).type)).toEqual(['RolloutStarted', 'Reverted']);
  });

  it('drops the oldest waiting message when the queue is full, and counts it', async () => {
    const clock = new VirtualClock();
    const held = heldPost();
    const logger = recordingLogger();
    const sink = new Notifier({ clock, post: held.post, logger, queueLimit: 2, targets: [{ name: 't', url: 'http://127.0.0.1/t', format: 'json' }] });

    sink.emit(fixtureEvent('started', { message: 'one' }));
    await new Promise<void>((resolve) => setImmediate(resolve)); // 'one' is now in flight
    for (const message of ['two', 'three', 'four', 'five']) sink.emit(fixtureEvent('started', { message }));
    expect(sink.stats()).toMatchObject({ dropped: 2, queued: 3 });

    held.release();
    await sink.flush();
    expect(held.bodies.map((b) => (JSON.parse(b) as WebhookPayload).message)).toEqual(['one', 'four', 'five']);
    expect(sink.stats()).toMatchObject({ sent: 3, dropped: 2, queued: 0 });
    expect(logger.lines.map((l) => l.message)).toEqual(['notification queue full, dropping the oldest']);
  });

  it('never lets a failing post, formatter input or logger reach the caller', async () => {
    const clock = new VirtualClock();
    const post: PostFunction = () => {
      throw new Error('synchronous failure');
    };
    const logger: NotifyLogger = {
      warn: () => {
        throw new Error('logger broken');
      },
    };
    const sink = new Notifier({ clock, post, logger, backoff: { maxAttempts: 1 }, targets: [{ name: 't', url: 'http://127.0.0.1/t', format: 'slack' }] });
    const unformattable = { ...fixtureEvent('started'), services: null } as unknown as ReturnType<typeof fixtureEvent>;

    expect(() => sink.emit(fixtureEvent('started'))).not.toThrow();
    expect(() => sink.emit(unformattable)).not.toThrow();
    expect(() => sink.emit(null as unknown as ReturnType<typeof fixtureEvent>)).not.toThrow();
    await sink.flush();
    expect(sink.stats()).toMatchObject({ sent: 0, failed: 3 });
  });

  it('on close gives up on backoff waits and waiting messages, and takes no more events', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const post: PostFunction = async () => {
      calls++;
      return { status: 503 };
    };
    const sink = new Notifier({ clock, post, targets: [{ name: 't', url: 'http://127.0.0.1/t', format: 'json' }] });

    sink.emit(fixtureEvent('started'));
    sink.emit(fixtureEvent('reverted'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(clock.pendingTimers()).toBe(1); // the first message waits for its retry

    await sink.close();
    sink.emit(fixtureEvent('reverted'));

    expect(calls).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    expect(sink.stats()).toMatchObject({ sent: 0, failed: 2, dropped: 1, queued: 0 });
  });
});

describe('Notifier between two bursts', () => {
  /** Resolves after `hops` turns of the microtask queue. */
  async function microtasks(hops: number): Promise<void> {
    for (let i = 0; i < hops; i++) await Promise.resolve();
  }

  it('delivers an event emitted at any moment while the previous delivery winds down', async () => {
    for (let hops = 0; hops <= 8; hops++) {
      const clock = new VirtualClock();
      const types: string[] = [];
      const late: { sink?: Notifier } = {};
      const post: PostFunction = async (_url, body) => {
        types.push((JSON.parse(body) as WebhookPayload).type);
        // The reconciler emits again from a continuation that runs just after this delivery ends.
        if (types.length === 1) void microtasks(hops).then(() => late.sink?.emit(fixtureEvent('reverted')));
        return { status: 200 };
      };
      const sink = new Notifier({ clock, post, targets: [{ name: 't', url: 'http://127.0.0.1/t', format: 'json' }] });
      late.sink = sink;

      sink.emit(fixtureEvent('started'));
      await new Promise<void>((resolve) => setImmediate(resolve));
      await sink.flush();

      expect(types, `emitted ${hops} microtasks after the first delivery`).toEqual(['RolloutStarted', 'Reverted']);
    }
  });
});
