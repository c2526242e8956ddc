// The dashboard served by the HTTP server against a stage: the example Releases on the demo world,
// in virtual time that the test moves while the page is open.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createStage, type Stage } from '../../../src/rehearse/stage.js';
import { startHttpServer, type RunningHttpServer } from '../../../src/server/http.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';
import { StatusFeed } from '../../../src/server/status-feed.js';
import { loadWorld } from '../../../src/sim/world-loader.js';
import { MemoryStateStore } from '../../../src/store/memory.js';

export const ROOT = join(import.meta.dirname, '../../..');
export const TOKEN = 'dashboard-test-token';

export interface DashboardStage {
  stage: Stage;
  server: RunningHttpServer;
  url: string;
  close(): Promise<void>;
}

export async function startDashboardStage(): Promise<DashboardStage> {
  const world = await loadWorld(join(ROOT, 'manifests/sim/world.yaml'));
  const feed = new StatusFeed();
  const metrics = new ControllerMetrics();
  const stage = await createStage({ world, store: feed.watch(new MemoryStateStore()), http: true, metrics });
  const folder = join(ROOT, 'manifests/examples');
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort()) stage.source.applyText(await readFile(join(folder, file), 'utf8'), file);
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    store: stage.store,
    controller: stage.controller,
    metrics,
    clock: stage.clock,
    ready: () => ({ ready: true, reason: 'test' }),
    apiToken: TOKEN,
    statusFeed: feed,
    ...(world.approvers ? { approvers: world.approvers } : {}),
    logger: pino({ level: 'silent' }),
  });
  return {
    stage,
    server,
    url: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.close();
      await stage.close();
    },
  };
}
