import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isCloudError } from '../../../src/cloud/errors.js';
import { Simulator } from '../../../src/sim/simulator.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { fixtureWorld, SHOP, simulate, withRevision } from './fixtures.js';

let open: Simulator | undefined;

/** A plain HTTP GET to the loopback server with a chosen Host header (fetch cannot set Host). */
function getWithHost(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('health endpoints over loopback HTTP', () => {
  it('answers /health/ready with 503 in proportion to the bad colour weight', async () => {
    // Green runs revision 3 (not ready); the listener sends it 30%.
    const { sim, clock } = simulate(withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3'));
    open = sim;
    await sim.startHttp();
    await sim.provider(undefined).lb.setWeights({ listenerArn: SHOP.listenerArn }, [
      { targetGroupArn: SHOP.blue, weight: 70 },
      { targetGroupArn: SHOP.green, weight: 30 },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      await clock.advance(1_000);
      const answer = await sim.provider(undefined).http.get('https://shop.example.test/health/ready', { timeoutMs: 5_000 });
      statuses.push(answer.status);
      if (answer.status === 200) expect(JSON.parse(answer.body)).toMatchObject({ ok: true });
      else expect(JSON.parse(answer.body)).toMatchObject({ ok: false });
    }
    const bad = statuses.filter((s) => s === 503).length / statuses.length;
    expect(bad).toBeGreaterThan(0.22);
    expect(bad).toBeLessThan(0.38);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(sim.calls['http:GET']).toBe(300);
  });

  it('sends the probe as a real request to 127.0.0.1 with the host kept', async () => {
    const { sim } = simulate(fixtureWorld('two-colours.yaml'));
    open = sim;
    const port = await sim.startHttp();
    const response = await getWithHost(port, 'shop.example.test', '/health/ready');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, checks: expect.arrayContaining([expect.objectContaining({ name: 'db', ok: true })]) });
    const unknown = await getWithHost(port, 'elsewhere.test', '/health/ready');
    expect(unknown.status).toBe(421);
  });

  it('gives the same answers over loopback and in-process, and only loopback opens a socket', async () => {
    const answers = async (probes: 'loopback' | 'in-process'): Promise<{ answers: string[]; port: number | undefined }> => {
      const world = withRevision(fixtureWorld('two-colours.yaml'), 'api-green', 'shop-api:3');
      const { sim, clock } = simulate(world, undefined, { probes });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        await clock.advance(1_000);
        const a = await sim.provider(undefined).http.get('https://shop.example.test/health/ready', { timeoutMs: 5_000 });
        out.push(`${a.status} ${a.durationMs} ${a.body}`);
      }
      const port = sim.httpPort;
      await sim.close();
      return { answers: out, port };
    };
    const loopback = await answers('loopback');
    const inProcess = await answers('in-process');
    expect(inProcess.answers).toEqual(loopback.answers);
    expect(new Set(loopback.answers.map((a) => a.slice(0, 3)))).toEqual(new Set(['200', '503']));
    expect(loopback.port).toBeGreaterThan(0);
    expect(inProcess.port).toBeUndefined();
  });

  it('rejects hosts the world does not declare as Unavailable', async () => {
    const { sim } = simulate(fixtureWorld('two-colours.yaml'));
    open = sim;
    await expect(sim.provider(undefined).http.get('https://unknown.example.test/health/ready', { timeoutMs: 5_000 })).rejects.toMatchObject({
      code: 'Unavailable',
    });
    expect(sim.rejectedCalls['http:GET']).toEqual({ Unavailable: 1 });
  });

  it('answers 503 from the load balancer when no target is healthy, and times out past timeoutMs', async () => {
    const world = fixtureWorld('two-colours.yaml');
    world.faults = [{ kind: 'targetsUnhealthy', targetGroup: SHOP.blue, at: '0s', for: '1h' }];
    const { sim, clock } = simulate(world);
    open = sim;
    await sim.provider(undefined).lb.setWeights({ listenerArn: SHOP.listenerArn }, [{ targetGroupArn: SHOP.blue, weight: 1 }]);
    await clock.advance(2 * 60_000);
    const answer = await sim.provider(undefined).http.get('https://shop.example.test/health/ready', { timeoutMs: 5_000 });
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('503 Service Temporarily Unavailable');
    await sim.provider(undefined).lb.setWeights({ listenerArn: SHOP.listenerArn }, [{ targetGroupArn: SHOP.green, weight: 1 }]);
    // Revision 1's latency is at least 20ms: a 1ms timeout always trips.
    await expect(sim.provider(undefined).http.get('https://shop.example.test/health/ready', { timeoutMs: 1 })).rejects.toMatchObject({ code: 'Timeout' });
  });
});

describe('simulated probes refuse what real ones would', () => {
  it('refuses a world endpoint on a metadata address unless probes.allowHosts names it', async () => {
    const base = fixtureWorld('two-colours.yaml');
    // A world whose metadata endpoint answers like the load balancer does.
    const world = { ...base, endpoints: [...(base.endpoints ?? []), { ...base.endpoints![0]!, host: '169.254.169.254' }] };
    const refusing = new Simulator({ world, clock: new VirtualClock('2026-03-01T00:00:00Z') });
    open = refusing;
    const failure = await refusing.provider(undefined).http.get('http://169.254.169.254/health/ready', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(isCloudError(failure, 'AccessDenied')).toBe(true);
    expect((failure as Error).message).toContain('link-local or metadata address');
    await refusing.close();

    const allowing = new Simulator({ world, clock: new VirtualClock('2026-03-01T00:00:00Z'), probeAllowHosts: ['169.254.169.254'] });
    open = allowing;
    expect((await allowing.provider(undefined).http.get('http://169.254.169.254/health/ready', { timeoutMs: 5_000 })).status).toBe(200);
  });
});
