// Every HTTP path the docs and the deployment manifests tell people (or a Git host) to call must
// be one the server routes; a wrong webhook path fails silently on the Git host's side.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HttpServerOptions } from '../../../src/server/http.js';
import { buildRoutes } from '../../../src/server/routes.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const files = [
  'README.md',
  'Dockerfile',
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'manifests/deploy')).map((f) => `manifests/deploy/${f}`),
];

// A path of the server starts one of these, after a space, a quote, `$KEELSON` or `host:port`.
const PATH = /(?<=^|[\s`'"(]|\$[A-Za-z_]+|:\d+)\/(?:api|webhooks|healthz|readyz|metrics)\b[^\s`'"),;]*/gm;

interface Named {
  file: string;
  path: string;
}

function namedPaths(): Named[] {
  return files.flatMap((file) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(PATH)].map((m) => ({ file, path: m[0].endsWith('/...') ? m[0] : m[0].replace(/[.:]+$/, '') })),
  );
}

/** `{name}`, `NAME`, `<name>` stand for a Release name; `[/NAME]` is optional; `...` or a bare prefix stands for anything under it. */
function concrete(path: string): { paths: string[]; prefix: boolean } {
  // The router matches the path; a query string (`?limit=2`) is the route's business.
  const filled = path.split('?')[0]!.replace(/\{[^}]+\}|<[^>]+>|\bNAME\b/g, 'web');
  const optional = /^(.*)\[(.*)\]$/.exec(filled);
  if (optional) return { paths: [optional[1]!, `${optional[1]}${optional[2]}`], prefix: false };
  if (filled.endsWith('/...')) return { paths: [filled.slice(0, -4)], prefix: true };
  return { paths: [filled], prefix: filled === '/api' || filled === '/api/v1' };
}

describe('paths named in the docs and deployment manifests', () => {
  const routes = buildRoutes({} as HttpServerOptions);
  const routed = (path: string, prefix: boolean): boolean =>
    prefix ? routes.some((r) => r.pattern.source.startsWith(`^${path.replaceAll('/', '\\/')}`)) : routes.some((r) => r.pattern.test(path));

  it('finds the paths it checks, the Git webhook among them', () => {
    const paths = namedPaths().map((n) => n.path);
    expect(paths).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/webhooks/git', '/api/v1/releases']));
    expect(namedPaths().filter((n) => n.file === 'manifests/deploy/keelson.yaml').map((n) => n.path)).toContain('/webhooks/git');
  });

  it('names only paths the server routes', () => {
    const unrouted = namedPaths().filter(({ path }) => {
      const { paths, prefix } = concrete(path);
      return !paths.every((p) => routed(p, prefix));
    });
    expect(unrouted).toEqual([]);
  });
});
