// Everything `keelson run` puts together from a configuration. The one place that wires the
// concerns to each other; each concern stays unaware of the rest.
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { evaluateHealth } from '../../controllers/release/health.js';
import { Reconciler } from '../../controllers/release/reconciler.js';
import { createAwsCloud } from '../cloud/aws/index.js';
import { batchDescribeServices } from '../cloud/batching.js';
import { createHttpProbe } from '../cloud/http-probe.js';
import type { CloudProvider } from '../cloud/ports.js';
import type { KeelsonConfig } from '../config/config.js';
import { openSource, openStateStore } from '../config/open.js';
import { resolveSecret } from '../config/secrets.js';
import { notificationSettings } from '../notify/config.js';
import { fanOut } from '../notify/events.js';
import { Notifier } from '../notify/notifier.js';
import { RealClock, type Clock } from '../runtime/clock.js';
import { Controller } from '../runtime/controller.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { startHttpServer, type RunningHttpServer } from '../server/http.js';
import { instrumentReconciler } from '../server/instrument.js';
import { ControllerMetrics } from '../server/metrics.js';
import { assessReadiness } from '../server/readiness.js';
import { gracefulShutdown } from '../server/shutdown.js';
import { Simulator } from '../sim/simulator.js';
import { loadWorld } from '../sim/world-loader.js';
import { webhookForGitSource } from '../sources/git-webhook.js';
import type { GitSource } from '../sources/git.js';
import type { Source } from '../sources/source.js';
import { LeaseKeeper } from '../store/lease-keeper.js';
import type { StoreFileSystem } from '../store/store-fs.js';
import { StoreHealth, watchStore } from '../store/store-health.js';
import type { StateStore } from '../store/store.js';
import { packagePath } from './package-path.js';

export interface Running {
  controller: Controller;
  server: RunningHttpServer;
  store: StateStore;
  lease: LeaseKeeper;
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
  const clock = options.clock ?? new RealClock();
  const logger =
    options.logger ??
    pino({ level: config.log.level, redact: { paths: ['*.token', '*.apiToken', '*.secret', '*.authorization', 'headers.authorization'], censor: '[redacted]' } });
  const metrics = new ControllerMetrics();
  const deps = { clock, env: options.env };
  const storeHealth = new StoreHealth(clock);
  const store = watchStore(openStateStore(config, { ...deps, ...(options.files ? { files: options.files } : {}) }), storeHealth);
  const sources: Source[] = [];
  for (const s of config.sources) sources.push(await openSource(s, config, deps));

  const opened = await openCloud(config, clock, metrics, logger);
  const cloud = options.wrapCloud ? options.wrapCloud(opened.cloud) : opened.cloud;
  const closeCloud = opened.close;
  const settings = notificationSettings(config.notifications);
  const notifier = new Notifier({ targets: settings.targets, clock, ...(settings.queueLimit ? { queueLimit: settings.queueLimit } : {}), ...(settings.backoff ? { backoff: settings.backoff } : {}), logger });
  if (settings.disabled.length > 0) logger.warn({ targets: settings.disabled }, 'notification targets without a URL are off');

  const lease = new LeaseKeeper({
    store,
    clock,
    holder: `${hostname()}:${process.pid}`,
    name: config.leaderElection.lease,
    ttlMs: config.leaderElection.durationMs,
    renewEveryMs: config.leaderElection.renewEveryMs,
  });
  // Act only while status can be written: an AWS write whose status is lost would be made again.
  const fence = (): { lease: string; token: number } | undefined => (storeHealth.up ? lease.fence : undefined);
  const reconciler = instrumentReconciler(
    new Reconciler({ cloud, store, clock, health: evaluateHealth, events: fanOut([notifier, metrics.eventSink()]), logger, fence }),
    metrics,
    clock,
  );
  const controller = new Controller({
    sources,
    store,
    reconciler,
    clock,
    logger,
    fence,
    resyncMs: config.resyncMs,
    random: Math.random,
    queue: (handler) => new WorkQueue({ clock, handler, concurrency: config.concurrency }),
  });
  lease.onAcquired(() => {
    logger.info({ lease: lease.name }, 'lease acquired: acting on Releases');
    for (const name of controller.names()) controller.enqueue(name);
  });
  lease.onLost((reason) => logger.warn({ lease: lease.name, reason }, 'lease lost: standing by'));
  storeHealth.onError((problem) => metrics.recordStateStoreError(problem.code, problem.reason));
  storeHealth.onChange((problem) => {
    metrics.recordStateStoreUp(!problem);
    if (problem) {
      logger.error({ code: problem.code, reason: problem.reason, state: store.description, err: problem.message }, 'state store unavailable: no AWS writes until it can be written again');
      return;
    }
    logger.info({ state: store.description }, 'state store writable again: acting on Releases');
    for (const name of controller.names()) controller.enqueue(name);
  });

  const apiToken = config.http.apiToken ? await resolveSecret(config.http.apiToken, options.env) : undefined;
  const git = sources.find((s): s is GitSource => s.kind === 'git');
  const gitConfig = config.sources.find((s) => s.kind === 'git');
  const webhookSecret = gitConfig && 'webhookSecret' in gitConfig && gitConfig.webhookSecret ? await resolveSecret(gitConfig.webhookSecret, options.env) : undefined;
  const webhook = git && webhookSecret ? webhookForGitSource(git, webhookSecret, { clock }) : undefined;

  await lease.start();
  await controller.start();
  const server = await startHttpServer({
    port: config.http.port,
    host: config.http.host,
    maxConnections: config.http.maxConnections,
    store,
    controller,
    metrics,
    clock,
    ready: () => assessReadiness(controller.sources(), lease.isLeader ? 'held' : 'standby', storeHealth.current),
    ...(apiToken ? { apiToken } : {}),
    readsRequireToken: config.http.readsRequireToken,
    ...(webhook ? { webhook } : {}),
    logger,
  });
  logger.info({ port: server.port, sources: sources.map((s) => s.description), state: store.description, cloud: config.cloud.provider }, 'keelson running');

  return {
    controller,
    server,
    store,
    lease,
    logger,
    shutdown: () =>
      gracefulShutdown(
        [
          { name: 'finish reconciles in flight', run: () => controller.stop(), timeoutMs: 15_000 },
          { name: 'give up the lease', run: () => lease.stop(), timeoutMs: 3_000 },
          { name: 'deliver notifications', run: () => notifier.flush(), timeoutMs: 3_000 },
          { name: 'close the HTTP server', run: () => server.close(), timeoutMs: 2_000 },
          { name: 'close sources and state', run: async () => { notifier.close(); await Promise.all(sources.map((s) => s.close())); await store.close(); await closeCloud(); } },
        ],
        { clock, logger },
      ),
  };
}

async function openCloud(config: KeelsonConfig, clock: Clock, metrics: ControllerMetrics, logger: Logger): Promise<{ cloud: CloudProvider; close: () => Promise<void> }> {
  if (config.cloud.provider === 'aws') {
    const cloud = createAwsCloud({
      ...(config.cloud.region ? { region: config.cloud.region } : {}),
      ...(config.cloud.endpoint ? { endpoint: config.cloud.endpoint } : {}),
      http: createHttpProbe({ clock, allowHosts: config.probes.allowHosts }),
      onCall: (call) => metrics.recordAwsCall(call),
    });
    return { cloud: batchDescribeServices(cloud), close: async () => {} };
  }
  const worldFile = config.cloud.world ?? packagePath('manifests', 'sim', 'world.yaml');
  const sim = new Simulator({ world: await loadWorld(worldFile), clock, probeAllowHosts: config.probes.allowHosts });
  await sim.startHttp();
  logger.info({ world: worldFile }, 'cloud: the simulated AWS');
  return { cloud: batchDescribeServices(sim.provider), close: () => sim.close() };
}
