// The web dashboard's files: the page and its modules from web/ in the package, and Preact, htm
// and uPlot straight from their installed packages under fixed paths (no CDN: the page works
// offline). Every answer carries a strict Content-Security-Policy; the one inline script, the
// import map, is allowed by its hash.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { packagePath } from '../cli/package-path.js';
import { HttpApiError } from './errors.js';
import type { Reply, Route, RouteRequest } from './routes.js';

const require = createRequire(import.meta.url);

/** A package's file next to the one `specifier` resolves to (the ES module beside the CommonJS one). */
function besideResolved(specifier: string, file?: string): string {
  const resolved = require.resolve(specifier);
  return file ? join(dirname(resolved), file) : resolved;
}

/** /ui/vendor/NAME → the installed file. */
const VENDOR: Record<string, () => string> = {
  'preact.mjs': () => besideResolved('preact'),
  'preact-hooks.mjs': () => besideResolved('preact/hooks'),
  'htm.mjs': () => besideResolved('htm', 'htm.mjs'),
  'htm-preact.mjs': () => besideResolved('htm/preact', 'index.mjs'),
  'uplot.mjs': () => besideResolved('uplot', 'uPlot.esm.js'),
  'uplot.css': () => besideResolved('uplot', 'uPlot.min.css'),
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Names of the page's own files: letters, digits, dashes, one extension; no dots elsewhere, no `..`. */
const ASSET_NAME = /^[a-z0-9-]+(?:\/[a-z0-9-]+)*\.(?:html|js|css|svg|png)$/;

export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Vendored files change only with the package; the page's own are revalidated every time. */
  cacheControl: string;
  csp: string;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
  const scripts = ["'self'", ...scriptHashes.map((h) => `'sha256-${h}'`)].join(' ');
  // uPlot sets sizes through style attributes, hence 'unsafe-inline' for styles only.
  return `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The import map's text inside index.html, whose hash the policy allows. */
export function importMapOf(html: string): string | undefined {
  return /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
}

export class DashboardAssets {
  private readonly cache = new Map<string, Promise<Asset>>();

  constructor(private readonly webDir: string = packagePath('web')) {}

  routes(): Route[] {
    return [
      { method: 'GET', pattern: /^\/$/, handle: async () => redirect('/ui/') },
      { method: 'GET', pattern: /^\/ui$/, handle: async () => redirect('/ui/') },
      { method: 'GET', pattern: /^\/ui\/$/, handle: (req) => this.reply(req, 'index.html') },
      // A Release's page is the same HTML: the page's script reads its path.
      { method: 'GET', pattern: /^\/ui\/releases\/[^/]+$/, handle: (req) => this.reply(req, 'index.html') },
      { method: 'GET', pattern: /^\/ui\/(.+)$/, handle: (req) => this.reply(req, req.params[0] ?? '') },
    ];
  }

  private async reply(req: RouteRequest, name: string): Promise<Reply> {
    const asset = await this.asset(name);
    return {
      status: 200,
      respond: (res) => sendAsset(res, asset, req.headers['if-none-match']),
    };
  }

  /** A file of the dashboard by its name under /ui/ (`index.html`, `vendor/preact.mjs`); NotFound when there is none. */
  asset(name: string): Promise<Asset> {
    const file = this.fileOf(name);
    let asset = this.cache.get(file);
    if (!asset) {
      asset = readAsset(file, name);
      this.cache.set(file, asset);
      asset.catch(() => this.cache.delete(file));
    }
    return asset;
  }

  private fileOf(name: string): string {
    if (name.startsWith('vendor/')) {
      const vendor = VENDOR[name.slice('vendor/'.length)];
      if (!vendor) throw new HttpApiError('NotFound', `no file ${name} in the dashboard`);
      return vendor();
    }
    if (!ASSET_NAME.test(name)) throw new HttpApiError('NotFound', `no file ${name} in the dashboard`);
    const root = resolve(this.webDir);
    const file = resolve(root, name);
    if (!file.startsWith(root + sep)) throw new HttpApiError('NotFound', `no file ${name} in the dashboard`);
    return file;
  }
}

async function readAsset(file: string, name: string): Promise<Asset> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw new HttpApiError('NotFound', `no file ${name} in the dashboard`);
    throw err;
  }
  const hashes: string[] = [];
  if (name === 'index.html') {
    const map = importMapOf(body.toString('utf8'));
    if (map !== undefined) hashes.push(createHash('sha256').update(map, 'utf8').digest('base64'));
  }
  return {
    body,
    contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    cacheControl: name.startsWith('vendor/') ? 'public, max-age=3600' : 'no-cache',
    csp: contentSecurityPolicy(hashes),
  };
}

function sendAsset(res: ServerResponse, asset: Asset, ifNoneMatch: string | undefined): void {
  const headers = {
    ...SECURITY_HEADERS,
    'content-security-policy': asset.csp,
    etag: asset.etag,
    'cache-control': asset.cacheControl,
  };
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': asset.contentType, 'content-length': asset.body.length });
  res.end(asset.body);
}

function redirect(location: string): Reply {
  return {
    status: 302,
    respond: (res) => {
      res.writeHead(302, { location, 'content-length': 0, 'cache-control': 'no-store', ...SECURITY_HEADERS });
      res.end();
    },
  };
}
