import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ManifestProblem } from '../../../src/api/problem.js';

const docs = readFileSync(new URL('../../../docs/release-api.md', import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/release.schema.json', import.meta.url), 'utf8')) as unknown;

const CODES = ['yaml', 'schema', 'duration', 'semantic', 'duplicate', 'io', 'limit', 'plaintext', 'cloud'] as const;
// Compiles only while CODES lists exactly the codes a ManifestProblem can have.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const codesListed: Same<(typeof CODES)[number], ManifestProblem['code']> = true;

/** Every property name the schema defines. */
function fieldNames(node: unknown, out = new Set<string>()): Set<string> {
  if (node === null || typeof node !== 'object') return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value !== null && typeof value === 'object') for (const name of Object.keys(value)) out.add(name);
    fieldNames(value, out);
  }
  return out;
}

describe('docs/release-api.md', () => {
  it.each(CODES)('documents the problem code %s', (code) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('names every field of the schema in code', () => {
    const prose = docs.replace(/^```[\s\S]*?^```$/gm, '');
    const inCode = new Set([...prose.matchAll(/`([^`\n]+)`/g)].flatMap((m) => (m[1] ?? '').split(/[^A-Za-z0-9]+/)));
    const missing = [...fieldNames(schema)].filter((name) => !inCode.has(name));
    expect(missing).toEqual([]);
  });
});
