// Everything `keelson run` puts together from a configuration. The one place that wires the
// concerns to each other; each concern stays unaware of the rest.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { evaluateHealth } from '../../controllers/release/health.js';
import { Reconciler } from '../../controllers/release/reconciler.js';
import { createAwsCloud } from '../cloud/aws/index.js';
import { paceCalls, paceSimulatedCalls } from '../cloud/budget/index.js';
import { batchEveryRead } from '../cloud/read-batching.js';
import { createHttpProbe } from '../cloud/http-probe.js';
import type { CloudProvider } from '../cloud/ports.js';
import { shardingProblem, type KeelsonConfig } from '../config/config.js';
import { openSource, openStateStore } from '../config/open.js';
import { resolveSecret } from '../config/secrets.js';
import { keepAliveTimeouts } from '../server/keep-alive.js';
import { httpIdentities } from '../config/http-auth.js';
import { notificationSettings } from '../notify/config.js';
import { fanOut } from '../notify/events.js';
import { Notifier } from '../notify/notifier.js';
import { TimelinePlayer, playOnClock } from '../rehearse/timeline.js';
import { RealClock, ScaledClock, type Clock } from '../runtime/clock.js';
import { Controller } from '../runtime/controller.js';
import { createOwnership, type Ownership } from '../runtime/ownership.js';
import { followShards, shardedQueue } from '../runtime/sharded-queue.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { startHttpServer, type RunningHttpServer } from '../server/http.js';
import { instrumentReconciler } from '../server/instrument.js';
import { ControllerMetrics } from '../server/metrics.js';
import { assessReadiness, type ShardReadiness } from '../server/readiness.js';
import { gracefulShutdown } from '../server/shutdown.js';
import { requestOperation } from '../server/operations.js';
import { StatusFeed } from '../server/status-feed.js';
import { Simulator } from '../sim/simulator.js';
import { checkWorldReleases, loadWorld } from '../sim/world-loader.js';
import type { SimWorld } from '../sim/world.js';
import { webhookForGitSource } from '../sources/git-webhook.js';
import type { GitSource } from '../sources/git.js';
import type { Source } from '../sources/source.js';
import { shadowedBy, TimelineSource } from '../sources/timeline-source.js';
import { withSourceDefaults } from '../sources/source-defaults.js';
import type { StoreFileSystem } from '../store/store-fs.js';
import { StoreHealth, watchStore } from '../store/store-health.js';
import type { StateStore } from '../store/store.js';
import { createLogger } from './logger.js';
import { packagePath } from './package-path.js';
import { keelsonVersion } from './version.js';

export interface Running {
  controller: Controller;
  server: RunningHttpServer;
  store: StateStore;
  /** What this replica may act on: the plain lease, or its shards when sharding.shards > 1. */
  ownership: Ownership;
  logger: Logger;
  /** Stops taking work, finishes what is in flight, gives the lease up; false if it ran out of time. */
  shutdown(): Promise<boolean>;
}

export interface AssembleOptions {
  env: Record<string, string | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** The file system a folder state store writes through (tests: one that fails like a full disk). */
  files?: StoreFileSystem;
  /** Wraps the cloud ports, e.g. to record every AWS call. */
  wrapCloud?: (cloud: CloudProvider) => CloudProvider;
}

export async function assemble(config: KeelsonConfig, options: AssembleOptions): Promise<Running> {
  const speed = config.cloud.provider === 'sim' ? (config.cloud.speed ?? 1) : 1;
  // A simulated world may run faster than the wall clock: then so does everything that waits.
  const clock = options.clock ?? (speed !== 1 ? new ScaledClock(speed) : new RealClock());
  // Limits that protect the process itself (ECS's stop timeout) are real seconds.
  const wallClock = new RealClock();
  const logger = options.logger ?? createLogger(config.log);
  const unshardable = shardingProblem(config);
  if (unshardable) throw new Error(unshardable);
  const metrics = new ControllerMetrics({ version: keelsonVersion() });
  const deps = { clock, env: options.env };
  const storeHealth = new StoreHealth(clock);
  // Status writes are told to the dashboard's event stream and trail as they succeed.
  const statusFeed = new StatusFeed();
  const store = statusFeed.watch(watchStore(openStateStore(config, { ...deps, logger, ...(options.files ? { files: options.files } : {}) }), storeHealth));
  const sources: Source[] = [];
  for (const s of config.sources) sources.push(await openSource(s, config, { ...deps, logger }));
  const worldFile = config.cloud.world ?? packagePath('manifests', 'sim', 'world.yaml');
  const world = config.cloud.provider === 'sim' ? await loadWorld(worldFile) : undefined;
  const timeline = world?.timeline?.length ? await timelineSourceFor(world, sources, logger) : undefined;
  // The timeline's Releases win over the user's sources, which are never written to.
  const defaulted = sources.map((s, i) => withSourceDefaults(s, config.sources[i] ?? {}));
  const controllerSources = timeline ? [...defaulted.map((s) => shadowedBy(s, timeline)), timeline] : defaulted;

  const settings = notificationSettings(config.notifications);
  const notifier = new Notifier({ targets: settings.targets, clock, ...(settings.queueLimit ? { queueLimit: settings.queueLimit } : {}), ...(settings.backoff ? { backoff: settings.backoff } : {}), logger });
  if (settings.disabled.length > 0) logger.warn({ targets: settings.disabled }, 'notification targets without a URL are off');

  const holder = `${hostname()}:${process.pid}`;
  const ownership = createOwnership({
    store,
    clock,
    holder,
    lease: config.leaderElection.lease,
    shards: config.sharding.shards,
    // The leases guard against other processes, which live on the wall clock: their times stay real.
    ttlMs: config.leaderElection.durationMs * speed,
    renewEveryMs: config.leaderElection.renewEveryMs * speed,
  });
  const identities = await httpIdentities(config.http, options.env);
  const git = sources.find((s): s is GitSource => s.kind === 'git');
  const gitConfig = config.sources.find((s) => s.kind === 'git');
  const webhookSecret = gitConfig && 'webhookSecret' in gitConfig && gitConfig.webhookSecret ? await resolveSecret(gitConfig.webhookSecret, options.env) : undefined;
  const webhook = git && webhookSecret ? webhookForGitSource(git, webhookSecret, { clock }) : undefined;

  // The simulated world starts here, just before the controller, as in a rehearsal.
  const opened = world ? await openSimulator(world, worldFile, config, clock, logger, metrics) : openAws(config, clock, metrics, logger);
  const cloud = options.wrapCloud ? options.wrapCloud(opened.cloud) : opened.cloud;
  const closeCloud = opened.close;
  // Act only while status can be written: an AWS write whose status is lost would be made again.
  const fence = (release: string): { lease: string; token: number } | undefined => (!storeHealth.up ? undefined : ownership.fence(release));
  const reconciler = instrumentReconciler(
    new Reconciler({ cloud, store, clock, health: evaluateHealth, events: fanOut([notifier, metrics.eventSink()]), logger, fence, approvers: { ...world?.approvers, ...config.approvers } }),
    metrics,
    clock,
  );
  const controller = new Controller({
    sources: controllerSources,
    store,
    reconciler,
    clock,
    logger,
    fence,
    resyncMs: config.resyncMs,
    random: Math.random,
    resyncGroup: config.concurrency,
    queue: shardedQueue((handler) => watchedQueue(new WorkQueue({ clock, handler, concurrency: config.concurrency }), metrics), ownership),
  });
  reportShards(ownership, controller, metrics, logger);
  storeHealth.onError((problem) => metrics.recordStateStoreError(problem.code, problem.reason));
  storeHealth.onChange((problem) => {
    metrics.recordStateStoreUp(!problem);
    if (problem) {
      logger.error({ code: problem.code, reason: problem.reason, state: store.description, err: problem.message }, 'state store unavailable: no AWS writes until it can be written again');
      return;
    }
    logger.info({ state: store.description }, 'state store writable again: acting on Releases');
    void controller.requeueAll();
  });

  await ownership.start();
  await controller.start();
  const stopTimeline =
    timeline && opened.sim
      ? playOnClock(
          new TimelinePlayer(world!, {
            sim: opened.sim,
            source: timeline,
            requestOperation: (release, kind, by, revision) => requestOperation({ store, controller, clock, logger }, release, kind, by, revision !== undefined ? { revision } : {}),
            knows: (release) => controller.names().includes(release),
            report: (action) => logger.info({ timeline: action.type, release: action.release || undefined }, `timeline: ${action.message}`),
          }),
          clock,
          opened.sim.startedAt,
          (err) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'timeline entry failed'),
        )
      : undefined;
  const server = await startHttpServer({
    port: config.http.port,
    host: config.http.host,
    maxConnections: config.http.maxConnections,
    ...(config.http.keepAliveMs !== undefined ? { timeouts: keepAliveTimeouts(config.http.keepAliveMs) } : {}),
    store,
    controller,
    metrics,
    clock,
    ready: () => assessReadiness(controller.sources(), !ownership.settled ? 'unknown' : ownership.heldShards().length > 0 ? 'held' : 'standby', storeHealth.current, shardReadiness(ownership)),
    ...identities,
    readsRequireToken: config.http.readsRequireToken,
    statusFeed,
    ...(webhook ? { webhook } : {}),
    logger,
    approvers: { ...world?.approvers, ...config.approvers },
    ...(ownership.shardMap ? { shards: () => ownership.shardMap!() } : {}),
  });
  logger.info(
    { port: server.port, sources: sources.map((s) => s.description), state: store.description, cloud: config.cloud.provider, ...(speed !== 1 ? { speed } : {}) },
    'keelson running',
  );

  return {
    controller,
    server,
    store,
    ownership,
    logger,
    shutdown: () =>
      gracefulShutdown(
        [
          { name: 'stop the timeline', run: async () => stopTimeline?.() },
          { name: 'finish reconciles in flight', run: () => controller.stop(), timeoutMs: 15_000 },
          { name: 'give up the lease', run: () => ownership.stop(), timeoutMs: 3_000 },
          { name: 'deliver notifications', run: () => notifier.flush(), timeoutMs: 3_000 },
          { name: 'close the HTTP server', run: () => server.close(), timeoutMs: 2_000 },
          { name: 'close sources and state', run: async () => { notifier.close(); await Promise.all(controllerSources.map((s) => s.close())); await store.close(); await closeCloud(); } },
        ],
        { clock: wallClock, logger },
      ),
  };
}

/** The queue, its depth by lane reported at every scrape of /metrics. */
function watchedQueue(queue: WorkQueue, metrics: ControllerMetrics): WorkQueue {
  metrics.watchWorkQueue(() => queue.stats().lanes);
  return queue;
}

/** With sharding, the shards held, of how many, and why none; without, only why it stands down. */
function shardReadiness(ownership: Ownership): ShardReadiness | undefined {
  const standingDown = ownership.view().standingDown;
  if (ownership.shards === 1 && !standingDown) return undefined;
  return { held: ownership.heldShards(), shards: ownership.shards, ...(standingDown ? { standingDown } : {}) };
}

/** Every shard gained (the plain lease: shard 0 of 1) is looked at at once; every change is logged and counted. */
function reportShards(shards: Ownership, controller: Controller, metrics: ControllerMetrics, logger: Logger): void {
  followShards(shards, controller);
  const plain = shards.shards === 1;
  shards.onTransition((t) => {
    const held = shards.heldShards();
    metrics.recordShards(held.length, t.reason);
    if (t.gained) {
      logger.info({ shard: t.shard, held }, plain ? 'lease acquired: acting on Releases' : `shard ${t.shard} acquired: acting on its Releases`);
      return;
    }
    const message = plain ? 'lease lost: standing by' : `shard ${t.shard} given up (${t.reason}): its Releases are left to the replica that takes it`;
    if (t.reason === 'handed_over' || t.reason === 'stopped') {
      logger.info({ shard: t.shard, reason: t.reason, held }, message);
      return;
    }
    // Taken, expired (renewals did not land) or standing down: not what a healthy fleet does.
    const err = shards.lastError as { code?: unknown; name?: unknown; message?: unknown } | undefined;
    const code = typeof err?.code === 'string' ? err.code : typeof err?.name === 'string' && err.name !== 'Error' ? err.name : 'ShardLost';
    logger.warn({ shard: t.shard, reason: t.reason, code, held, standingDown: shards.view().standingDown, err: typeof err?.message === 'string' ? err.message : undefined }, message);
  });
}

function openAws(config: KeelsonConfig, clock: Clock, metrics: ControllerMetrics, logger: Logger): OpenedCloud {
  const cloud = createAwsCloud({
    ...(config.cloud.region ? { region: config.cloud.region } : {}),
    ...(config.cloud.endpoint ? { endpoint: config.cloud.endpoint } : {}),
    http: createHttpProbe({ clock, allowHosts: config.probes.allowHosts }),
    onCall: (call) => metrics.recordAwsCall(call),
  });
  const paced = paceCalls(cloud, config.cloud.budgets, { clock, observer: metrics.budgetObserver(), logger }, batchEveryRead);
  return { cloud: paced, close: async () => {} };
}

interface OpenedCloud {
  cloud: CloudProvider;
  sim?: Simulator;
  close: () => Promise<void>;
}

async function openSimulator(world: SimWorld, worldFile: string, config: KeelsonConfig, clock: Clock, logger: Logger, metrics: ControllerMetrics): Promise<OpenedCloud> {
  const sim = new Simulator({ world, clock, probeAllowHosts: config.probes.allowHosts });
  await sim.startHttp();
  logger.info({ world: worldFile, ...(world.timeline?.length ? { timeline: world.timeline.length } : {}) }, 'cloud: the simulated AWS');
  const paced = paceSimulatedCalls(sim.provider, sim, clock, config.cloud.budgets, { observer: metrics.budgetObserver(), logger }, batchEveryRead);
  return { cloud: paced, sim, close: () => sim.close() };
}

/**
 * The in-memory source of the timeline's manifests. Every Release the timeline names must be
 * in the user's sources at start or applied earlier in the timeline.
 */
async function timelineSourceFor(world: SimWorld, sources: Source[], logger: Logger): Promise<TimelineSource> {
  const names: string[] = [];
  let complete = true;
  for (const source of sources) {
    try {
      names.push(...(await source.snapshot()).releases.map((r) => r.name));
    } catch (err) {
      complete = false;
      logger.warn({ source: source.description, err: err instanceof Error ? err.message : String(err) }, 'source unavailable: the Releases the timeline names are not checked against it');
    }
  }
  if (complete) checkWorldReleases(world, names);
  return new TimelineSource('timeline');
}
