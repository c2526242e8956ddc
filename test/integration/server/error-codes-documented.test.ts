import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_ERRORS } from '../../../src/server/errors.js';

const doc = readFileSync(new URL('../../../docs/http-api.md', import.meta.url), 'utf8');

/** Rows of the Errors table: code → status column. */
function documentedCodes(): Map<string, string> {
  const section = doc.slice(doc.indexOf('## Errors'));
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)) rows.set(match[1] ?? '', (match[2] ?? '').trim());
  return rows;
}

/** Codes the server's source passes to HttpApiError or errorBody. */
function codesUsedInServer(): Set<string> {
  const dir = new URL('../../../src/server/', import.meta.url);
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(new URL(file, dir), 'utf8');
    for (const match of text.matchAll(/(?:HttpApiError|errorBody)\(\s*'(\w+)'/g)) used.add(match[1] ?? '');
  }
  return used;
}

describe('docs/http-api.md', () => {
  it('documents every code used in the server source', () => {
    const used = codesUsedInServer();
    expect(used.size).toBeGreaterThan(5);
    const rows = documentedCodes();
    for (const code of used) expect(rows.has(code), `${code} is used by the server but not documented`).toBe(true);
  });

  it('documents every error code the server can answer, with its status', () => {
    const rows = documentedCodes();
    for (const [code, status] of Object.entries(HTTP_ERRORS)) {
      expect(rows.has(code), `${code} missing from the Errors table`).toBe(true);
      expect(rows.get(code), `status of ${code}`).toContain(String(status));
    }
  });

  it('documents no code the server does not have', () => {
    expect([...documentedCodes().keys()].sort()).toEqual(Object.keys(HTTP_ERRORS).sort());
  });
});
