// The simulated world's process (started by world-process.ts with two named pipes: requests in,
// answers out): builds the Simulator from the world it is sent and answers each message. Its
// clock is the controller's: every message carries the controller's now and the world catches up
// to it before answering, and a wait on the clock (an SDK retry's backoff, a timed-out request)
// is the call's answer for now: the controller waits it on its own clock and wakes the call.
import { openSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { CancelTimer, Clock } from '../../src/runtime/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import type { CallCounts, FromWorld, PortName, ToWorld } from './world-wire.js';
import { answerToWire, frame, toWire, unframe } from './world-wire.js';

const PORTS: PortName[] = ['ecs', 'lb', 'dns', 'metrics', 'scaling', 'http', 'registry'];

const [requestsPath, answersPath] = process.argv.slice(2) as [string, string];
// Opened in the controller's order (requests, then answers), so that neither side waits on the other.
const requests = openSync(requestsPath, 'r');
const answers = openSync(answersPath, 'w');

function send(message: FromWorld): void {
  const bytes = frame(message);
  for (let at = 0; at < bytes.length; ) at += writeSync(answers, bytes, at);
}

/** The controller's time as last heard; waits go to the controller and end when its clock says. */
class ControllerClock implements Clock {
  private current: number;
  private nextSleep = 0;
  private readonly sleeping = new Map<number, () => void>();

  constructor(now: number) {
    this.current = now;
  }

  now(): number {
    return this.current;
  }

  /** Never backwards: messages arrive in order, but a wake and a call may carry the same time. */
  heard(now: number): void {
    if (now > this.current) this.current = now;
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const id = ++this.nextSleep;
    this.sleeping.set(id, fn);
    send({ type: 'sleep', sleep: id, ms });
    return () => this.sleeping.delete(id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  wake(id: number, now: number): void {
    this.heard(now);
    const fn = this.sleeping.get(id);
    this.sleeping.delete(id);
    fn?.();
  }
}

/** Sends only the counts that changed since the last answer. */
function countsSince(sim: Simulator, sent: CallCounts): Partial<CallCounts> {
  const out: Partial<CallCounts> = {};
  for (const [op, n] of Object.entries(sim.calls)) {
    if (sent.calls[op] !== n) (out.calls ??= {})[op] = sent.calls[op] = n;
  }
  for (const [op, byCode] of Object.entries(sim.rejectedCalls)) {
    const before = (sent.rejectedCalls[op] ??= {});
    if (Object.entries(byCode).some(([code, n]) => before[code as keyof typeof before] !== n)) {
      (out.rejectedCalls ??= {})[op] = { ...byCode };
      sent.rejectedCalls[op] = { ...byCode };
    }
  }
  return out;
}

let clock: ControllerClock | undefined;
let sim: Simulator | undefined;
const sent: CallCounts = { calls: {}, rejectedCalls: {} };

async function answer(message: Extract<ToWorld, { type: 'call' }>, world: Simulator): Promise<void> {
  const port = world.provider(message.region)[message.port] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  try {
    const value = await (port[message.method] as (...args: unknown[]) => Promise<unknown>).apply(port, message.args);
    send({ type: 'answer', id: message.id, ok: true, value: answerToWire(value), ...countsSince(world, sent) });
  } catch (err) {
    send({ type: 'answer', id: message.id, ok: false, error: toWire(err), ...countsSince(world, sent) });
  }
}

function heard(message: ToWorld): void {
  switch (message.type) {
    case 'init': {
      clock = new ControllerClock(message.now);
      sim = new Simulator({ world: message.world, clock, seed: message.seed, ...(message.probes ? { probes: message.probes } : {}), ...(message.sdkRetry ? { sdkRetry: message.sdkRetry } : {}) });
      const ports = sim.provider(undefined);
      const methods = Object.fromEntries(PORTS.map((p) => [p, Object.keys(ports[p]).filter((m) => typeof (ports[p] as unknown as Record<string, unknown>)[m] === 'function')])) as Record<PortName, string[]>;
      send({ type: 'ready', methods, region: sim.region });
      return;
    }
    case 'call':
      // Answered when it ends or when it first waits on the clock, whichever comes first.
      clock?.heard(message.now);
      if (sim) void answer(message, sim);
      return;
    case 'wake':
      clock?.wake(message.sleep, message.now);
      return;
    case 'tick':
      clock?.heard(message.now);
      sim?.advanceTo(message.now);
      send({ type: 'ticked' });
      return;
    case 'usage':
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'usage', usage: { memory: process.memoryUsage(), cpu: process.cpuUsage() } });
      return;
    case 'close':
      void (async () => {
        await sim?.close();
        send({ type: 'closed' });
        process.exit(0);
      })();
  }
}

let pending: Buffer = Buffer.alloc(0);
// A socket on the pipe, not a file stream: a read pending in the thread pool would hold up the exit.
new Socket({ fd: requests, readable: true, writable: false }).on('data', (chunk: Buffer | string) => {
  const { messages, rest } = unframe<ToWorld>(Buffer.concat([pending, Buffer.from(chunk)]));
  pending = rest;
  for (const message of messages) heard(message);
});
