import { relative } from 'node:path';
import type { Command } from 'commander';
import { manifestsByName, readManifests } from './rehearse.js';
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
      const [{ rehearse }, { startHttpServer }, { ControllerMetrics }, { loadWorld }, { default: pino }] = await Promise.all([
        import('../../rehearse/rehearse.js'),
        import('../../server/http.js'),
        import('../../server/metrics.js'),
        import('../../sim/world-loader.js'),
        import('pino'),
      ]);
      const world = await loadWorld(packagePath('manifests', 'sim', 'world.yaml'));
      const releases = (await readManifests([packagePath('manifests', 'examples')])).map((m) => ({ ...m, file: relative(process.cwd(), m.file) }));
      const pauseMs = (Number(options.seconds) * 1000) / (DEMO_LENGTH_MS / STEP_MS);
      const realClock = new RealClock();
      let server: RunningHttpServer | undefined;
      const metrics = new ControllerMetrics({ version: keelsonVersion() });
      console.log('keelson demo: the real controller against a simulated AWS (manifests/sim/world.yaml),');
      console.log(`running the example Releases (manifests/examples/) through ${DEMO_LENGTH_MS / 60_000} minutes of virtual time.`);
      console.log('At 40m someone ships aep-backend-prod:13, a bad revision: watch keelson revert it on its own.\n');
      const result = await rehearse({
        world,
        releases,
        untilMs: DEMO_LENGTH_MS,
        stepMs: STEP_MS,
        metrics,
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
          });
          console.log(`HTTP API: http://127.0.0.1:${server.port}/api/v1/releases  (metrics: /metrics)\n`);
        },
        onLine: (line) => console.log(formatTimelineLine(line)),
        onStep: async () => {
          if (pauseMs > 0) await realClock.sleep(pauseMs);
        },
      });
      await server?.close();
      console.log('');
      const specs = await manifestsByName(releases);
      console.log(formatTable(result.releases.filter((r) => r.status).map((r) => ({ name: r.name, status: r.status!, release: specs.get(r.name) ?? null })), Date.parse(result.endedAt)));
      const aep = result.releases.find((r) => r.name === 'aep-backend-prod')?.status;
      const revert = aep?.history?.find((h) => h.result === 'Reverted');
      if (revert) console.log(`\n${revert.revision} was reverted on its own (${revert.reason}); 100% back on ${aep?.stableRevision}.`);
      console.log('\nWhere to look next:');
      console.log('  keelson rehearse --world manifests/sim/world.yaml --releases manifests/examples   the same run, in a second');
      console.log('  keelson validate manifests/examples                                               check manifests');
      console.log('  docs/release-api.md, docs/sim-world.md, README.md                                  the Release API, worlds, deploying');
    });
}
