// The simulated world in its own process: a stand-in for the Simulator that createStage takes as
// `sim`, so that the real controller runs in this process and its memory and CPU are its own.
// Each port call goes to the world (port, method, arguments) and comes back as the world's
// answer, or as the same error class with the same code and fields. Virtual time is this
// process's: each call carries the clock's now and the world catches up to it before answering;
// advanceTo tells the world that time moved with no calls, so its traffic and CloudWatch keep
// going as they do in process.
//
// A call waits for its answer synchronously, on a named pipe, as the in-process Simulator answers
// within the turn of the event loop it was called in: passes then join the same reads in one
// request (the read batching joins what is asked in one turn) and a run makes the same calls as
// in process. Answers arriving later, in other turns, would join fewer. A wait of the world's on
// the clock (an SDK retry's backoff) is the answer for the moment: it is waited on this clock,
// and then the call is woken and answered.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readSync, writeSync } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudErrorCode } from '../../src/cloud/errors.js';
import type { CloudPorts, CloudProvider } from '../../src/cloud/ports.js';
import type { StageSim } from '../../src/rehearse/stage.js';
import type { Clock } from '../../src/runtime/clock.js';
import { ClockWaits } from '../../src/sim/clock-waits.js';
import type { SimulatorOptions } from '../../src/sim/simulator.js';
import type { SimWorld } from '../../src/sim/world.js';
import { answerFromWire, frame, fromWire, unframe, type CallStep, type FromWorld, type PortName, type ProcessUsage, type ToWorld } from './world-wire.js';

const CHILD = fileURLToPath(new URL('./world-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorldProcessOptions {
  world: SimWorld;
  clock: Clock;
  /** Overrides the world's seed (as createStage's `seed`). */
  seed?: number;
  probes?: SimulatorOptions['probes'];
  sdkRetry?: SimulatorOptions['sdkRetry'];
  /** Lets usage({ gc: true }) collect garbage in the world's process first. */
  exposeGc?: boolean;
}

export class WorldProcess implements StageSim {
  readonly calls: Record<string, number> = {};
  readonly rejectedCalls: Record<string, Partial<Record<CloudErrorCode, number>>> = {};
  readonly waits: ClockWaits;
  readonly provider: CloudProvider;
  private nextId = 0;
  private readonly portsByRegion = new Map<string, CloudPorts>();
  private pending: Buffer = Buffer.alloc(0);
  private readonly chunk = Buffer.alloc(1 << 16);
  private exited?: Error;
  private closing?: Promise<void>;
  /** The world's ports' methods and its region, as it said when it was ready. */
  private methods = {} as Record<PortName, string[]>;
  private region = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly pipes: { folder: string; requests: FileHandle; answers: FileHandle },
    private readonly clock: Clock,
  ) {
    this.waits = new ClockWaits(clock);
    this.provider = (region) => this.portsFor(region ?? this.region);
  }

  static async start(options: WorldProcessOptions): Promise<WorldProcess> {
    const folder = await mkdtemp(join(tmpdir(), 'keelson-world-'));
    const paths = { requests: join(folder, 'requests'), answers: join(folder, 'answers') };
    execFileSync('mkfifo', [paths.requests, paths.answers]);
    const child = spawn(process.execPath, ['--import', 'tsx', ...(options.exposeGc ? ['--expose-gc'] : []), CHILD, paths.requests, paths.answers], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const died = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`the world's process exited before it was ready (${signal ?? code})`))));
    // Each open waits for the other end; in the child's order, so neither waits forever.
    const requests = await Promise.race([open(paths.requests, 'w'), died]);
    const answers = await Promise.race([open(paths.answers, 'r'), died]);
    died.catch(() => undefined);
    const world = new WorldProcess(child, { folder, requests, answers }, options.clock);
    const init: ToWorld = { type: 'init', world: options.world, seed: options.seed ?? options.world.seed ?? 1, now: options.clock.now() };
    if (options.probes) init.probes = options.probes;
    if (options.sdkRetry) init.sdkRetry = options.sdkRetry;
    const ready = world.exchange(init);
    if (ready.type !== 'ready') throw new Error(`the world answered ${ready.type} to init`);
    world.methods = ready.methods;
    world.region = ready.region;
    return world;
  }

  /** Tells the world that time moved to `now` with no calls: it processes the seconds up to it. */
  advanceTo(now: number): void {
    this.exchange({ type: 'tick', now });
  }

  /** The world process's memory and CPU (after a GC there when asked and exposeGc is on). */
  usage(options: { gc?: boolean } = {}): ProcessUsage {
    const answer = this.exchange({ type: 'usage', gc: options.gc ?? false });
    if (answer.type !== 'usage') throw new Error(`the world answered ${answer.type} to usage`);
    return answer.usage;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.exited) {
        const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
        this.exchange({ type: 'close' });
        await exit;
        this.exited = new Error("the world's process was closed");
      }
      await this.pipes.requests.close();
      await this.pipes.answers.close();
      await rm(this.pipes.folder, { recursive: true, force: true });
    })();
    return this.closing;
  }

  private portsFor(region: string): CloudPorts {
    const methods = this.methods;
    let ports = this.portsByRegion.get(region);
    if (!ports) {
      const port = (name: PortName): unknown =>
        Object.fromEntries(methods[name].map((method) => [method, (...args: unknown[]) => this.call(region, name, method, args)]));
      ports = Object.fromEntries((Object.keys(methods) as PortName[]).map((name) => [name, port(name)])) as unknown as CloudPorts;
      this.portsByRegion.set(region, ports);
    }
    return ports;
  }

  private async call(region: string, port: PortName, method: string, args: unknown[]): Promise<unknown> {
    let step = this.exchange({ type: 'call', id: ++this.nextId, now: this.clock.now(), region, port, method, args }) as CallStep;
    while (step.type === 'sleep') {
      await this.waits.sleep(step.ms);
      step = this.exchange({ type: 'wake', sleep: step.sleep, now: this.clock.now() }) as CallStep;
    }
    if (step.type !== 'answer') throw new Error(`the world answered ${(step as FromWorld).type} to a call`);
    if (step.calls) Object.assign(this.calls, step.calls);
    if (step.rejectedCalls) Object.assign(this.rejectedCalls, step.rejectedCalls);
    if (!step.ok) throw fromWire(step.error);
    return answerFromWire(step.value);
  }

  /** Sends one message and waits, blocking, for its one answer. */
  private exchange(message: ToWorld): FromWorld {
    if (this.exited) throw this.exited;
    const bytes = frame(message);
    for (let at = 0; at < bytes.length; ) at += writeSync(this.pipes.requests.fd, bytes, at);
    for (;;) {
      const { messages, rest } = unframe<FromWorld>(this.pending);
      if (messages.length > 0) {
        this.pending = rest;
        return messages[0] as FromWorld;
      }
      const n = readSync(this.pipes.answers.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) {
        this.exited = new Error("the world's process is gone (its answers pipe closed)");
        throw this.exited;
      }
      this.pending = Buffer.concat([this.pending, this.chunk.subarray(0, n)]);
    }
  }
}
