import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/cloud/errors.js';
import type { HttpProbePort, HttpProbeResult } from '../../../src/cloud/ports.js';
import { EXCERPT_LIMIT, measureHttp, readJsonField } from '../../../src/health/http.js';

/** A probe that answers from a script and records what it was asked. */
class ScriptedProbe implements HttpProbePort {
  readonly calls: { url: string; timeoutMs: number }[] = [];
  constructor(private readonly answer: () => HttpProbeResult) {}
  async get(url: string, options: { timeoutMs: number }): Promise<HttpProbeResult> {
    this.calls.push({ url, timeoutMs: options.timeoutMs });
    return this.answer();
  }
}

const URL = 'https://aep.example.com/health/ready';

describe('http condition', () => {
  it('probes with the condition timeout, 5s by default', async () => {
    const probe = new ScriptedProbe(() => ({ status: 200, body: '', durationMs: 3 }));
    await measureHttp('ready', { url: URL }, probe, 0);
    await measureHttp('ready', { url: URL, timeout: '750ms' }, probe, 0);
    expect(probe.calls).toEqual([
      { url: URL, timeoutMs: 5_000 },
      { url: URL, timeoutMs: 750 },
    ]);
  });

  it('honours expectStatus', async () => {
    const probe = new ScriptedProbe(() => ({ status: 204, body: '', durationMs: 1 }));
    expect((await measureHttp('ready', { url: URL, expectStatus: 204 }, probe, 0)).outcome).toBe('pass');
    expect((await measureHttp('ready', { url: URL }, probe, 0)).outcome).toBe('fail');
  });

  it('fails when the body is not JSON but a field is expected', async () => {
    const probe = new ScriptedProbe(() => ({ status: 200, body: '<html>', durationMs: 1 }));
    const m = await measureHttp('ready', { url: URL, jsonField: { path: 'ok', equals: true } }, probe, 0);
    expect(m).toMatchObject({ outcome: 'fail', message: 'status 200 but the body is not JSON (expected ok = true)' });
  });

  it('fails on a timeout and on an unreachable host, and is nodata on any other error', async () => {
    const throwing = (err: Error): HttpProbePort => ({ get: async () => Promise.reject(err) });
    const timeout = await measureHttp('ready', { url: URL, timeout: '2s' }, throwing(new CloudError('Timeout', 't')), 7);
    const refused = await measureHttp('ready', { url: URL }, throwing(new CloudError('Unavailable', 'ECONNREFUSED')), 7);
    const other = await measureHttp('ready', { url: URL }, throwing(new CloudError('Invalid', 'bad URL')), 7);
    expect(timeout).toMatchObject({ outcome: 'fail', at: 7, message: `no answer from ${URL} within 2s` });
    expect(refused).toMatchObject({ outcome: 'fail', message: 'unreachable: ECONNREFUSED' });
    expect(other).toMatchObject({ outcome: 'nodata', message: `could not probe ${URL}: bad URL` });
  });
});

describe('what a probed body may put in status', () => {
  // What a metadata endpoint answers: status is served by the API, so none of it may show.
  const credentials = {
    Code: 'Success',
    AccessKeyId: 'ASIAEXAMPLEKEYID',
    SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
    Token: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
    nested: { ok: false, password: 'hunter2-in-a-body' },
    banner: 'x'.repeat(500),
  };
  const probe = new ScriptedProbe(() => ({ status: 200, body: JSON.stringify(credentials), durationMs: 1 }));
  const check = async (path: string) => (await measureHttp('ready', { url: URL, jsonField: { path, equals: 'ready' } }, probe, 0)).message;

  it('never shows the value of a field whose name looks secret, nor secrets inside a shown value', async () => {
    for (const path of ['SecretAccessKey', 'Token', 'nested.password']) {
      const message = await check(path);
      expect(message).toBe(`status 200 but ${path} = (redacted) (expected "ready")`);
    }
    const nested = await check('nested');
    expect(nested).toContain('"ok":false');
    expect(nested).not.toContain('hunter2');
    for (const path of ['SecretAccessKey', 'Token', 'nested', 'Code']) expect(await check(path)).not.toMatch(/wJalrXUtn|IQoJb3Jp|hunter2/);
  });

  it('shows at most a bounded excerpt of any other value', async () => {
    const message = await check('banner');
    expect(message).toContain(`"${'x'.repeat(EXCERPT_LIMIT - 1)}… (502 characters)`);
    expect(message.length).toBeLessThan(EXCERPT_LIMIT + 80);
    expect(await check('Code')).toBe('status 200 but Code = "Success" (expected "ready")');
  });
});

describe('JSON field paths', () => {
  it.each([
    ['status', '{"status":"ok"}', { found: true, value: 'ok' }],
    ['checks.0.ok', '{"checks":[{"ok":false}]}', { found: true, value: false }],
    ['a.b', '{"a":null}', { found: false, why: 'the body has no a.b' }],
    ['toString', '{}', { found: false, why: 'the body has no toString' }],
  ])('reads %s', (path, body, expected) => {
    expect(readJsonField(body, path)).toEqual(expected);
  });
});
