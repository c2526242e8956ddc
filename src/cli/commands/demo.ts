import { relative } from 'node:path';
import type { Command } from 'commander';
import { manifestsByName, readManifests } from './rehearse.js';
import { announceDemoServer } from '../demo-server.js';
import type { RehearsalResult } from '../../rehearse/rehearse.js';
import type { Stage } from '../../rehearse/stage.js';
import { RealClock } from '../../runtime/clock.js';
import type { RunningHttpServer } from '../../server/http.js';
import { formatTable } from '../format.js';
import { packagePath } from '../package-path.js';
import { formatTimelineLine } from '../timeline-format.js';
import { keelsonVersion } from '../version.js';

/** 70 virtual minutes: the rollouts of the examples, then the bad revision 13 at 40m and its revert. */
const DEMO_LENGTH_MS = 70 * 60_000;
const STEP_MS = 15_000;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the controller on the simulated AWS and the example Releases, in accelerated time (about a minute).')
    .option('--seconds <n>', 'real seconds the demo should take', '45')
    .option('--port <n>', 'port of the HTTP API while the demo runs (0: any free port)', '0')
    .action(async (options: { seconds: string; port: string }) => {
      // The simulator, the controller and the server load here, not for every keelson command.
      const [{ rehearse }, { startHttpServer }, { ControllerMetrics }, { loadWorld }, { default: pino }, { StatusFeed }, { MemoryStateStore }, { randomBytes }] = await Promise.all([
        import('../../rehearse/rehearse.js'),
        import('../../server/http.js'),
        import('../../server/metrics.js'),
        import('../../sim/world-loader.js'),
        import('pino'),
        import('../../server/status-feed.js'),
        import('../../store/memory.js'),
        import('node:crypto'),
      ]);
      const world = await loadWorld(packagePath('manifests', 'sim', 'world.yaml'));
      const releases = await readManifests([packagePath('manifests', 'examples')], (file) => relative(process.cwd(), file));
      const pauseMs = (Number(options.seconds) * 1000) / (DEMO_LENGTH_MS / STEP_MS);
      const realClock = new RealClock();
      let server: RunningHttpServer | undefined;
      let forgetServer = (): void => {};
      const metrics = new ControllerMetrics({ version: keelsonVersion() });
      // A token for this run only: the dashboard's buttons send it; nobody else on the machine has it.
      const apiToken = randomBytes(18).toString('base64url');
      const statusFeed = new StatusFeed();
      // On a terminal the demo stays up after its run, so the dashboard can still be used.
      const stayUp = process.stdout.isTTY === true;
      console.log('keelson demo: the real controller against a simulated AWS (manifests/sim/world.yaml),');
      console.log(`running the example Releases (manifests/examples/) through ${DEMO_LENGTH_MS / 60_000} minutes of virtual time.`);
      console.log('At 40m someone ships aep-backend-prod:13, a bad revision: watch keelson revert it on its own.\n');
      try {
        await rehearse({
          world,
          releases,
          untilMs: DEMO_LENGTH_MS,
          stepMs: STEP_MS,
          metrics,
          store: statusFeed.watch(new MemoryStateStore()),
          onStart: async (stage: Stage) => {
            server = await startHttpServer({
              port: Number(options.port),
              host: '127.0.0.1',
              store: stage.store,
              controller: stage.controller,
              metrics,
              clock: stage.clock,
              ready: () => ({ ready: true, reason: 'demo' }),
              logger: pino({ level: 'silent' }),
              apiToken,
              statusFeed,
              // The world's approver groups, as keelson run takes them: the demo's token is not a release manager.
              ...(world.approvers ? { approvers: world.approvers } : {}),
            });
            const base = `http://127.0.0.1:${server.port}`;
            console.log('┌──────────────────────────────────────────────────────────────────────');
            console.log(`│ Dashboard: ${base}/ui/#token=${apiToken}`);
            console.log('└──────────────────────────────────────────────────────────────────────');
            console.log(`HTTP API: ${base}/api/v1/releases  (metrics: /metrics)`);
            console.log(`          npx keelson get releases    (in this folder; elsewhere add --server ${base})\n`);
            forgetServer = announceDemoServer({ url: base, token: apiToken });
          },
          onLine: (line) => console.log(formatTimelineLine(line)),
          onStep: async () => {
            if (pauseMs > 0) await realClock.sleep(pauseMs);
          },
          onEnd: async (stage, result) => {
            printSummary(result, await manifestsByName(releases));
            if (!stayUp) return;
            console.log(`\nThe controller and the dashboard stay up, now at the wall clock's pace: http://127.0.0.1:${server?.port}/ui/#token=${apiToken}`);
            console.log('Press Ctrl-C to stop.');
            await untilInterrupted(async () => {
              await stage.advance(1_000, { stepMs: 1_000 });
              await realClock.sleep(1_000);
            });
          },
        });
      } finally {
        forgetServer();
        await server?.close();
      }
    });
}

function printSummary(result: RehearsalResult, specs: Awaited<ReturnType<typeof manifestsByName>>): void {
  console.log('');
  console.log(formatTable(result.releases.filter((r) => r.status).map((r) => ({ name: r.name, status: r.status!, release: specs.get(r.name) ?? null })), Date.parse(result.endedAt)));
  const aep = result.releases.find((r) => r.name === 'aep-backend-prod')?.status;
  const revert = aep?.history?.find((h) => h.result === 'Reverted');
  if (revert) console.log(`\n${revert.revision} was reverted on its own (${revert.reason}); 100% back on ${aep?.stableRevision}.`);
  console.log('\nWhere to look next:');
  console.log('  keelson rehearse --world manifests/sim/world.yaml --releases manifests/examples   the same run, in a second');
  console.log('  keelson validate manifests/examples                                               check manifests');
  console.log('  docs/dashboard.md, docs/release-api.md, docs/sim-world.md, README.md              the dashboard, the Release API, worlds, deploying');
}

/** Runs `tick` over and over until Ctrl-C (SIGINT) or SIGTERM. */
async function untilInterrupted(tick: () => Promise<void>): Promise<void> {
  let stop = false;
  const interrupt = (): void => {
    stop = true;
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    while (!stop) await tick();
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
