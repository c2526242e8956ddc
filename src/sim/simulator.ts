// The simulated AWS: a deterministic, in-process model of the parts keelson touches, moving on
// a one-second grid of the injected clock's time. Nothing moves between calls: every port
// call, inspection or HTTP probe first processes the whole seconds up to the clock's now, so
// a run depends only on its seed and the times of the calls made to it.

import { AWS_DEFAULTS } from '../cloud/aws/defaults.js';
import type { CloudErrorCode } from '../cloud/errors.js';
import type { CloudError } from '../cloud/errors.js';
import type { CloudPorts, CloudProvider } from '../cloud/ports.js';
import { VirtualClock, type Clock } from '../runtime/clock.js';
import { buildState, WORLD_DEFAULTS } from './build.js';
import { ClockWaits, driveClock } from './clock-waits.js';
import { EndpointAnswers } from './endpoint.js';
import type { SimEvent } from './events.js';
import { SimHttpServer, type ProbeMode } from './http.js';
import { inspector, outOfBand, type Inspector, type OutOfBand } from './operator.js';
import { missingRegionPorts, simPorts } from './ports.js';
import { randomStream } from './random.js';
import { SdkRetryStrategy, type RetryMode } from './sdk-retry.js';
import type { SimState } from './state.js';
import type { TrafficStats } from './traffic-stats.js';
import type { FaultService, SimWorld } from './world.js';

export interface SimulatorOptions {
  world: SimWorld;
  clock: Clock;
  /** Overrides the world's seed. */
  seed?: number;
  /** How HTTP probes reach the endpoints: real loopback HTTP (default) or in-process, same answers. */
  probes?: ProbeMode;
  /** keelson.yaml probes.allowHosts: the simulated probes refuse what real ones would. */
  probeAllowHosts?: readonly string[];
  /** The AWS SDK's retries around every call; default as keelson configures its clients (AWS_DEFAULTS). */
  sdkRetry?: { mode?: RetryMode; maxAttempts?: number };
}

export class Simulator {
  readonly world: SimWorld;
  readonly clock: Clock;
  readonly seed: number;
  /** Clock time at construction: `at` offsets in the world are relative to it. */
  readonly startedAt: number;
  readonly region: string;
  /** AWS calls made through the ports, by `service:Operation` (`http:GET` for probes); each attempt of an SDK retry is one. */
  readonly calls: Record<string, number> = {};
  /** Calls (attempts) that failed with a CloudError, by `service:Operation` and code. */
  readonly rejectedCalls: Record<string, Partial<Record<CloudErrorCode, number>>> = {};
  /** The simulator's waits on the clock and its real I/O: what a driver of virtual time must know. */
  readonly waits: ClockWaits;
  readonly provider: CloudProvider;
  readonly outOfBand: OutOfBand;
  readonly inspect: Inspector;
  private readonly state: SimState;
  private readonly http: SimHttpServer;
  private readonly ports: CloudPorts;
  private readonly retries = new Map<FaultService, SdkRetryStrategy>();

  constructor(options: SimulatorOptions) {
    this.world = options.world;
    this.clock = options.clock;
    this.seed = options.seed ?? options.world.seed ?? WORLD_DEFAULTS.seed;
    this.startedAt = options.clock.now();
    this.region = options.world.region ?? WORLD_DEFAULTS.region;
    this.state = buildState(options.world, this.startedAt, this.seed);
    const catchUp = (): number => this.catchUp();
    const answers = new EndpointAnswers(this.state, this.seed);
    this.http = new SimHttpServer({
      catchUp,
      isKnownHost: (host) => this.state.endpoints.has(host.toLowerCase()),
      answer: (host, path, now) => answers.answer(host, path, now),
      countProbe: (outcome) => this.countProbe(outcome),
    }, options.probes, options.probeAllowHosts);
    this.waits = new ClockWaits(options.clock);
    const probe = this.http.probe();
    this.ports = simPorts(
      {
        state: this.state,
        catchUp,
        calls: this.calls,
        rejectedCalls: this.rejectedCalls,
        retryOf: (service) => this.retryOf(service, options.sdkRetry),
        sleep: (ms) => this.waits.sleep(ms),
      },
      { get: (url, probeOptions) => this.waits.duringIo(() => probe.get(url, probeOptions)) },
    );
    this.provider = (region) => (region === undefined || region === this.region ? this.ports : missingRegionPorts(region, this.region));
    this.outOfBand = outOfBand(this.state, catchUp);
    this.inspect = inspector(this.state, catchUp);
  }

  /** Everything that happened from the start up to the clock's now, in order. */
  get events(): readonly SimEvent[] {
    this.catchUp();
    return this.state.ctx.events.list;
  }

  /** Requests served and failed, per entry point and per revision, whole run and per minute. */
  get stats(): TrafficStats {
    return this.inspect.traffic();
  }

  /** Time of the last whole second the world has processed. */
  get now(): number {
    return this.state.time;
  }

  /** Processes every whole second up to `now` (never backwards). */
  advanceTo(now: number): void {
    this.state.advanceTo(now);
  }

  /**
   * Awaits work that calls the ports (a call may wait on the clock, as the SDK's retries do):
   * on a virtual clock, time moves to each of its waits' ends, and only as far as it needs.
   */
  async drive<T>(work: Promise<T>): Promise<T> {
    return this.clock instanceof VirtualClock ? driveClock(this.clock, this.waits, work) : work;
  }

  /** Starts the loopback HTTP server for the world's endpoints; resolves to its port. */
  startHttp(): Promise<number> {
    return this.http.start();
  }

  get httpPort(): number | undefined {
    return this.http.port;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** The SDK builds its retry strategy with the client's first request: so does the simulator. */
  private retryOf(service: FaultService, config: SimulatorOptions['sdkRetry'] = {}): SdkRetryStrategy {
    let retry = this.retries.get(service);
    if (!retry) {
      retry = new SdkRetryStrategy({
        mode: config.mode ?? AWS_DEFAULTS.retryMode,
        maxAttempts: config.maxAttempts ?? AWS_DEFAULTS.maxAttempts,
        random: randomStream(this.seed, `sdk-retry:${service}`),
        now: () => this.clock.now(),
      });
      this.retries.set(service, retry);
    }
    return retry;
  }

  private catchUp(): number {
    const now = this.clock.now();
    this.state.advanceTo(now);
    return now;
  }

  private countProbe(outcome?: CloudError): void {
    this.calls['http:GET'] = (this.calls['http:GET'] ?? 0) + 1;
    if (outcome) {
      const byCode = (this.rejectedCalls['http:GET'] ??= {});
      byCode[outcome.code] = (byCode[outcome.code] ?? 0) + 1;
    }
  }
}
