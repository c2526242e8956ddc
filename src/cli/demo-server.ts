// The running demo's address, so that `keelson get releases` in the same folder, with no
// --server and no keelson.yaml, reads the demo: its state lives in the demo's memory, not in a
// folder the CLI could read. A file in the default state folder, readable by its owner only
// (it holds the run's token), removed when the demo ends; a file left by a demo that died is
// ignored, since its process is gone.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DEFAULTS } from '../config/config.js';

export interface DemoServer {
  url: string;
  token: string;
  pid: number;
}

/** Relative to the folder keelson runs in, as the default state folder is. */
export const DEMO_SERVER_FILE = join(CONFIG_DEFAULTS.stateDir, 'demo-server.json');

export function announceDemoServer(server: Omit<DemoServer, 'pid'>): () => void {
  mkdirSync(CONFIG_DEFAULTS.stateDir, { recursive: true });
  const own: DemoServer = { ...server, pid: process.pid };
  writeFileSync(DEMO_SERVER_FILE, `${JSON.stringify(own)}\n`, { mode: 0o600 });
  return () => {
    // Another demo may have started here since: its file stays.
    if (readDemoServer()?.pid === own.pid) rmSync(DEMO_SERVER_FILE, { force: true });
  };
}

/** The demo running in this folder, or undefined when none is. */
export function readDemoServer(): DemoServer | undefined {
  if (!existsSync(DEMO_SERVER_FILE)) return undefined;
  let found: Partial<DemoServer>;
  try {
    found = JSON.parse(readFileSync(DEMO_SERVER_FILE, 'utf8')) as Partial<DemoServer>;
  } catch {
    return undefined;
  }
  if (typeof found.url !== 'string' || typeof found.token !== 'string' || typeof found.pid !== 'number') return undefined;
  return isRunning(found.pid) ? { url: found.url, token: found.token, pid: found.pid } : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
