// Semantic rules of the gates' fields: spec.promotion and the allow-plaintext annotation.
import type { FieldPath } from './locate.js';
import { ALLOW_ENTRY, ALLOW_PLAINTEXT_ANNOTATION } from './plaintext-secrets.js';
import type { Finding } from './schema-errors.js';
import type { Release } from './types.js';

const problem = (path: FieldPath, message: string): Finding => ({ path, anchor: 'value', message, code: 'semantic' });

export function checkGates(release: Release): Finding[] {
  const out: Finding[] = [];
  const from = release.spec.promotion?.from.release;
  if (from !== undefined && from === release.metadata.name) {
    out.push(problem(['spec', 'promotion', 'from', 'release'], `a Release cannot be promoted from itself (${from}); name the lower environment's Release, e.g. ${from}-staging`));
  }
  const allow = release.metadata.annotations?.[ALLOW_PLAINTEXT_ANNOTATION];
  if (allow !== undefined) {
    const entries = allow.split(',').map((s) => s.trim());
    const bad = entries.filter((e) => !ALLOW_ENTRY.test(e));
    if (bad.length > 0) {
      out.push(problem(['metadata', 'annotations', ALLOW_PLAINTEXT_ANNOTATION], `each entry must be a variable name or container/NAME, comma-separated (not ${bad.map((b) => JSON.stringify(b)).join(', ')})`));
    }
  }
  return out;
}
