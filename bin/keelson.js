#!/usr/bin/env node
// The keelson command. A published package runs its compiled JavaScript (dist/); a checkout
// of the repository runs its TypeScript through tsx, so `npx keelson` works right after
// `npm ci` and never runs a stale build.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);

async function fromSource() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    return false;
  }
  await import(source.href);
  return true;
}

if (!(existsSync(source) && (await fromSource()))) {
  if (!existsSync(compiled)) {
    console.error('keelson: not built: run `npm run build` (or `npm ci`, which builds) first');
    process.exit(2);
  }
  await import(compiled.href);
}
