// The rule set that refuses plaintext secrets in a task definition's `environment` (runbook 002:
// "secrets never in task definitions"). A variable is refused when its NAME says it holds a
// secret, or its VALUE has the shape of one. `secrets` (valueFrom) entries are never looked at:
// that is where secrets belong. Findings carry names and rules only, never a value.
import type { PlaintextFinding } from './types.js';

export const ALLOW_PLAINTEXT_ANNOTATION = 'keelson.dev/allow-plaintext';

/**
 * Name rules: a whole word of the name (split at `_`, `-`, `.`) or a run of words. Words, not
 * substrings, keep TOKENIZER_MODE or PASSWORDLESS_LOGIN out; a name that only points at a
 * secret (…_ARN, …_NAME, …_ID, …_PATH, …_FILE, …_URL without credentials, …_ENABLED) is let through.
 */
const NAME_RULES: { rule: string; words: string[] }[] = [
  { rule: 'name:PASSWORD', words: ['PASSWORD'] },
  { rule: 'name:PASSWD', words: ['PASSWD'] },
  { rule: 'name:SECRET', words: ['SECRET'] },
  { rule: 'name:TOKEN', words: ['TOKEN'] },
  { rule: 'name:API_KEY', words: ['API', 'KEY'] },
  { rule: 'name:APIKEY', words: ['APIKEY'] },
  { rule: 'name:PRIVATE_KEY', words: ['PRIVATE', 'KEY'] },
  { rule: 'name:CREDENTIAL', words: ['CREDENTIAL'] },
  { rule: 'name:CREDENTIALS', words: ['CREDENTIALS'] },
  { rule: 'name:ACCESS_KEY', words: ['ACCESS', 'KEY'] },
  { rule: 'name:ENCRYPTION_KEY', words: ['ENCRYPTION', 'KEY'] },
  { rule: 'name:SIGNING_KEY', words: ['SIGNING', 'KEY'] },
];

/** Suffixes that name where a secret is, not the secret itself. */
const POINTER_SUFFIXES = ['ARN', 'NAME', 'ID', 'PATH', 'FILE', 'ENABLED', 'HEADER', 'TTL', 'EXPIRY', 'LENGTH', 'URL', 'URI', 'ENDPOINT'];

const VALUE_RULES: { rule: string; test: (value: string) => boolean }[] = [
  // AWS access key ids: AKIA (long-term) and ASIA (temporary), 16 more upper-case letters or digits.
  { rule: 'value:aws-access-key-id', test: (v) => /(^|[^A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}([^A-Z0-9]|$)/.test(v) },
  { rule: 'value:private-key', test: (v) => /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/.test(v) },
  // scheme://user:password@host, the password not empty and not a ${PLACEHOLDER}.
  { rule: 'value:url-with-password', test: (v) => /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:(?!\$\{)[^\s@/]+@/i.test(v) },
  { rule: 'value:slack-token', test: (v) => /\bxox[abposr]-[A-Za-z0-9-]{10,}/.test(v) },
  { rule: 'value:github-token', test: (v) => /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/.test(v) },
  { rule: 'value:jwt', test: (v) => /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(v) },
];

/** The first rule a name matches, if any. */
export function nameRule(name: string): string | undefined {
  const words = name.toUpperCase().split(/[_.-]+/).filter((w) => w.length > 0);
  const last = words[words.length - 1];
  if (last && POINTER_SUFFIXES.includes(last) && words.length > 1) return undefined;
  for (const { rule, words: wanted } of NAME_RULES) {
    for (let i = 0; i + wanted.length <= words.length; i++) {
      if (wanted.every((w, j) => words[i + j] === w)) return rule;
    }
  }
  return undefined;
}

/** The first rule a value matches, if any. Empty values hold nothing. */
export function valueRule(value: string): string | undefined {
  if (value.length === 0) return undefined;
  return VALUE_RULES.find((r) => r.test(value))?.rule;
}

/** The variable names an allow-list annotation lets through: `A,B` or `container/A`. */
export function allowedNames(annotations: Record<string, string> | undefined): string[] {
  const raw = annotations?.[ALLOW_PLAINTEXT_ANNOTATION];
  if (!raw) return [];
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A valid allow-list entry: a variable name, optionally `container/NAME`. */
export const ALLOW_ENTRY = /^([A-Za-z0-9_-]+\/)?[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface PlaintextVerdict {
  refused: PlaintextFinding[];
  allowed: PlaintextFinding[];
}

/** Checks every container's environment; `secrets` entries are never inspected. */
export function findPlaintextSecrets(
  containers: readonly { name: string; environment?: readonly { name: string; value: string }[] }[],
  allow: readonly string[] = [],
): PlaintextVerdict {
  const refused: PlaintextFinding[] = [];
  const allowed: PlaintextFinding[] = [];
  for (const container of containers) {
    for (const variable of container.environment ?? []) {
      const rule = nameRule(variable.name) ?? valueRule(variable.value);
      if (!rule) continue;
      const finding = { container: container.name, name: variable.name, rule };
      const isAllowed = allow.includes(variable.name) || allow.includes(`${container.name}/${variable.name}`);
      (isAllowed ? allowed : refused).push(finding);
    }
  }
  return { refused, allowed };
}

/** `backend: DATABASE_PASSWORD (name:PASSWORD)`, names only. */
export function describeFindings(findings: readonly PlaintextFinding[]): string {
  return findings.map((f) => `${f.container}: ${f.name} (${f.rule})`).join(', ');
}
