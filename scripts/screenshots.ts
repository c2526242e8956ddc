// Regenerates docs/images/dashboard-*.png: the demo's run (the example Releases on the demo world
// and its timeline, in virtual time) with the dashboard open in chromium, photographed mid-rollout
// and after the revert of aep-backend-prod:13. Run with `npm run screenshots`.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { rehearse } from '../src/rehearse/rehearse.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/http.js';
import { ControllerMetrics } from '../src/server/metrics.js';
import { StatusFeed } from '../src/server/status-feed.js';
import { loadWorld } from '../src/sim/world-loader.js';
import { MemoryStateStore } from '../src/store/memory.js';
import { openBrowser } from '../test/browser/support/chromium.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs/images');
const TOKEN = 'screenshots';

/** Virtual minutes into the run → what to photograph then. */
const SHOTS: { at: number; path: string; file: string; waitFor: string }[] = [
  { at: 13, path: '/ui/', file: 'dashboard-list.png', waitFor: 'tr[data-release="aep-backend-prod"]' },
  { at: 13, path: '/ui/releases/aep-backend-prod', file: 'dashboard-release.png', waitFor: '.chart canvas' },
  { at: 52, path: '/ui/releases/aep-backend-prod', file: 'dashboard-revert.png', waitFor: '#revert-title' },
];

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const world = await loadWorld(join(ROOT, 'manifests/sim/world.yaml'));
  const folder = join(ROOT, 'manifests/examples');
  const releases = [];
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort()) releases.push({ file: `manifests/examples/${file}`, text: await readFile(join(folder, file), 'utf8') });
  const feed = new StatusFeed();
  const metrics = new ControllerMetrics();
  const browser = await openBrowser({ width: 1280, height: 900 });
  let server: RunningHttpServer | undefined;
  let start = 0;
  const pending = [...SHOTS];
  try {
    await rehearse({
      world,
      releases,
      untilMs: 53 * 60_000,
      stepMs: 15_000,
      metrics,
      store: feed.watch(new MemoryStateStore()),
      onStart: async (stage) => {
        start = stage.clock.now();
        server = await startHttpServer({ port: 0, store: stage.store, controller: stage.controller, metrics, clock: stage.clock, ready: () => ({ ready: true, reason: 'screenshots' }), apiToken: TOKEN, statusFeed: feed, logger: pino({ level: 'silent' }) });
        await browser.page.goto(`http://127.0.0.1:${server.port}/ui/#token=${TOKEN}`);
      },
      onStep: async (stage) => {
        while (pending[0] && stage.clock.now() - start >= pending[0].at * 60_000) {
          const shot = pending.shift()!;
          await browser.page.goto(`http://127.0.0.1:${server!.port}${shot.path}`);
          await browser.page.locator(shot.waitFor).first().waitFor();
          // Let the charts and the stream settle.
          await browser.page.waitForTimeout(500);
          await browser.page.screenshot({ path: join(OUT, shot.file), fullPage: true });
          console.log(`docs/images/${shot.file} at ${shot.at}m`);
        }
      },
    });
  } finally {
    await server?.close();
    await browser.close();
  }
  if (browser.problems.length) console.log(`page problems:\n${browser.problems.join('\n')}`);
}

await main();
