// The server's own defences against clients that hold connections: loopback by default, silent
// sockets cut, and a cap on open connections. Every socket here goes to 127.0.0.1.
import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../../../src/server/http.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';
import { MemoryStateStore } from '../../../src/store/memory.js';

let server: RunningHttpServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

function start(overrides: Partial<HttpServerOptions> = {}): Promise<RunningHttpServer> {
  return startHttpServer({
    port: 0,
    store: new MemoryStateStore(),
    controller: undefined,
    metrics: new ControllerMetrics(),
    clock: new VirtualClock('2026-03-01T12:00:00Z'),
    ready: () => ({ ready: true, reason: 'ok' }),
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    sockets.push(socket);
    socket.once('error', reject);
  });
}

const closed = (socket: Socket): Promise<void> => new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

describe('HTTP server connections', () => {
  it('listens on 127.0.0.1 when no host is configured', async () => {
    server = await start();
    expect(server.host).toBe('127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });

  it('cuts a connection that never sends a request', async () => {
    server = await start({ host: '127.0.0.1', timeouts: { idleSocketMs: 50 } });
    const silent = await open(server.port);
    await closed(silent);
    expect(silent.destroyed).toBe(true);
  });

  it('closes connections beyond maxConnections at once and keeps the ones it holds', async () => {
    server = await start({ host: '127.0.0.1', maxConnections: 2 });
    const [first, second] = [await open(server.port), await open(server.port)];
    // The third is accepted by the kernel and closed by the server without a request.
    const third = await open(server.port);
    await closed(third);
    expect([first.destroyed, second.destroyed]).toEqual([false, false]);
  });
});
