import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { SourceSnapshot } from '../../src/sources/source.js';
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/sources/${name}`, import.meta.url)), 'utf8');
}

/** A valid rolling Release as YAML text. */
export function releaseYaml(
  name: string,
  options: { taskDefinition?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): string {
  const labels = options.labels ? `  labels: ${JSON.stringify(options.labels)}\n` : '';
  const annotations = options.annotations ? `  annotations: ${JSON.stringify(options.annotations)}\n` : '';
  return [
    'apiVersion: keelson.dev/v1alpha1',
    'kind: Release',
    'metadata:',
    `  name: ${name}`,
    `${labels}${annotations}spec:`,
    '  cluster: prod',
    '  revision:',
    `    taskDefinition: ${options.taskDefinition ?? `${name}:1`}`,
    '  strategy:',
    '    rolling:',
    `      service: ${name}-svc`,
    '',
  ]
    .filter((line, i, all) => line !== '' || i === all.length - 1)
    .join('\n');
}

/** A snapshot as `name:generation:taskDefinition` lines (`invalid` for a Release with problems). */
export function snapshotSummary(snap: SourceSnapshot): string[] {
  return snap.releases.map((r) => `${r.name}:${r.generation}:${r.release?.spec.revision.taskDefinition ?? 'invalid'}`);
}
