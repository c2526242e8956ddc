import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { GitSource } from '../../../src/sources/git.js';
import { handleGitWebhook, RecentDeliveries, webhookForGitSource } from '../../../src/sources/git-webhook.js';
import { TestRepo } from '../../helpers/git-repo.js';
import { releaseYaml } from '../../helpers/releases.js';

const secret = 'webhook-secret';
const options = { secret, branch: 'main' };
const pushBody = (ref: string): Buffer => Buffer.from(JSON.stringify({ ref, after: 'abc' }));
const sign = (body: Buffer, key = secret): string => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

function github(event: string, body: Buffer, signature = sign(body)) {
  return handleGitWebhook({ headers: { 'x-github-event': event, 'x-hub-signature-256': signature }, body }, options);
}

describe('handleGitWebhook', () => {
  it('triggers a fetch for a signed GitHub push to the watched branch', () => {
    expect(github('push', pushBody('refs/heads/main'))).toEqual({ status: 202, message: 'fetching main', trigger: true });
  });

  it('refuses a GitHub push whose signature is wrong or missing', () => {
    const body = pushBody('refs/heads/main');
    expect(github('push', body, sign(body, 'other-secret'))).toMatchObject({ status: 401, trigger: false });
    expect(github('push', body, sign(Buffer.from('tampered')))).toMatchObject({ status: 401, trigger: false });
    expect(handleGitWebhook({ headers: { 'X-GitHub-Event': 'push' }, body }, options)).toMatchObject({ status: 401, trigger: false });
  });

  it('answers a ping without fetching, and ignores pushes to other branches and other events', () => {
    expect(github('ping', Buffer.from('{"zen":"hi"}'))).toEqual({ status: 200, message: 'pong', trigger: false });
    expect(github('push', pushBody('refs/heads/feature'))).toMatchObject({ status: 200, trigger: false, message: expect.stringContaining('refs/heads/feature') });
    expect(github('push', pushBody('refs/tags/main'))).toMatchObject({ status: 200, trigger: false });
    expect(github('issues', Buffer.from('{}'))).toMatchObject({ status: 200, trigger: false });
    expect(github('push', Buffer.from('not json'))).toMatchObject({ status: 400, trigger: false });
  });

  it('accepts a GitLab push hook with the right token only', () => {
    const body = pushBody('refs/heads/main');
    const gitlab = (token: string | undefined, event = 'Push Hook') =>
      handleGitWebhook({ headers: { 'x-gitlab-event': event, ...(token ? { 'x-gitlab-token': token } : {}) }, body }, options);
    expect(gitlab(secret)).toMatchObject({ status: 202, trigger: true });
    expect(gitlab('wrong')).toMatchObject({ status: 401, trigger: false });
    expect(gitlab(undefined)).toMatchObject({ status: 401, trigger: false });
    expect(gitlab(secret, 'Tag Push Hook')).toMatchObject({ status: 200, trigger: false });
  });

  it('refuses a request from neither, and everything when no secret is configured', () => {
    expect(handleGitWebhook({ headers: {}, body: Buffer.from('{}') }, options)).toMatchObject({ status: 400, trigger: false });
    const body = pushBody('refs/heads/main');
    const headers = { 'x-github-event': 'push', 'x-hub-signature-256': sign(body, '') };
    expect(handleGitWebhook({ headers, body }, { secret: '', branch: 'main' })).toMatchObject({ trigger: false });
  });

  it('makes a watched Git source fetch at once, well before its next poll', async () => {
    const root = await mkdtemp(join(tmpdir(), 'keelson-hook-'));
    try {
      const repo = await TestRepo.create(join(root, 'repos'));
      await repo.commit({ 'web.yaml': releaseYaml('web') }, 'one');
      await repo.push();
      const clock = new VirtualClock(0);
      const source = new GitSource({ url: repo.remote, cacheDir: join(root, 'cache'), clock, env: repo.env, pollIntervalMs: 60_000 });
      let changes = 0;
      source.watch(() => changes++);
      await source.snapshot();
      const sha = await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:2' }) }, 'two');
      await repo.push();

      const answer = github('push', pushBody('refs/heads/main'));
      if (answer.trigger) await source.triggerFetch();
      expect(changes).toBe(1);
      expect(clock.now()).toBe(0);
      expect((await source.snapshot()).revision).toBe(`main@sha1:${sha}`);

      // The same through the handler the HTTP server mounts.
      const third = await repo.commit({ 'web.yaml': releaseYaml('web', { taskDefinition: 'web:3' }) }, 'three');
      await repo.push();
      const body = pushBody('refs/heads/main');
      const handler = webhookForGitSource(source, secret, { clock });
      expect(await handler({ headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }, body })).toMatchObject({ status: 202 });
      await source.triggerFetch(); // waits for the fetch the webhook started
      expect(changes).toBe(2);
      expect(clock.now()).toBe(0);
      expect((await source.snapshot()).revision).toBe(`main@sha1:${third}`);
      await source.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('answers a replayed delivery 200 "duplicate delivery" without fetching again, until its id is forgotten', async () => {
    const clock = new VirtualClock(0);
    let fetches = 0;
    const source = { branch: 'main', triggerFetch: async () => void fetches++ };
    const handler = webhookForGitSource(source, secret, { clock, deliveryTtlMs: 60_000 });
    const body = pushBody('refs/heads/main');
    const delivery = { 'x-github-event': 'push', 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-1' };

    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await handler({ headers: delivery, body }));
    expect(fetches).toBe(1);
    expect(answers[0]).toMatchObject({ status: 202 });
    expect(answers.slice(1)).toEqual(Array(29).fill({ status: 200, message: 'duplicate delivery', trigger: false }));

    // Another delivery, and GitLab's ids, are their own.
    await handler({ headers: { ...delivery, 'x-github-delivery': 'd-2' }, body });
    const gitlab = { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret, 'x-gitlab-event-uuid': 'u-1' };
    await handler({ headers: gitlab, body });
    await handler({ headers: gitlab, body });
    const keyed = { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret, 'idempotency-key': 'k-1' };
    await handler({ headers: keyed, body });
    await handler({ headers: keyed, body });
    expect(fetches).toBe(4);

    // A forged request carrying a real id neither fetches nor takes the id.
    expect(await handler({ headers: { ...delivery, 'x-github-delivery': 'd-3', 'x-hub-signature-256': sign(body, 'forged') }, body })).toMatchObject({ status: 401 });
    await handler({ headers: { ...delivery, 'x-github-delivery': 'd-3' }, body });
    expect(fetches).toBe(5);

    // After the TTL, on the injected clock, the id is new again.
    await clock.advance(60_000);
    expect(await handler({ headers: delivery, body })).toMatchObject({ status: 202 });
    expect(fetches).toBe(6);
  });

  it('remembers a bounded number of deliveries, forgetting the least recently seen first', () => {
    const clock = new VirtualClock(0);
    const recent = new RecentDeliveries(clock, 3, 60_000);
    for (const id of ['a', 'b', 'c']) expect(recent.repeat(id)).toBe(false);
    expect(recent.repeat('a')).toBe(true);
    expect(recent.repeat('d')).toBe(false);
    expect(recent.size).toBe(3);
    expect(recent.repeat('b')).toBe(false); // b was the least recently seen, so it was dropped
    expect(recent.repeat('a')).toBe(true);
  });
});
