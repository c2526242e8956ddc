import { readFileSync } from 'node:fs';
import { packagePath } from './package-path.js';

/** The installed package's version: what `keelson --version` prints. */
export function keelsonVersion(): string {
  const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
