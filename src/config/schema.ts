// The configuration schema, compiled once, and its errors turned into located problems.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module, { type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS: under NodeNext their default export sits one level down.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** From src/config/ (tsx) or dist/src/config/ (built), the schema folder at the package root. */
export function schemaPath(): string {
  for (const up of ['../../schemas/config.schema.json', '../../../schemas/config.schema.json']) {
    const path = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('schemas/config.schema.json not found next to keelson');
}

type Validator = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };
let compiled: Validator | undefined;

export function validateConfigShape(value: unknown): ErrorObject[] {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object) as Validator;
  }
  const validate = compiled;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

export interface ShapeProblem {
  /** Path segments to the field the problem is about. */
  segments: (string | number)[];
  message: string;
  /** Point at the field's name rather than its value (an unknown field). */
  atKey?: boolean;
}

/** Turns ajv's errors into one readable problem per field. */
export function describeErrors(errors: ErrorObject[]): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  // Where a value matched none of several forms, one message says which forms are allowed.
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath);
  const underAlternative = (e: ErrorObject): boolean =>
    alternatives.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)) && e.keyword !== 'oneOf' && e.keyword !== 'anyOf';
  for (const e of errors) {
    if (e.keyword === 'if' || underAlternative(e)) continue;
    const segments = pointerSegments(e.instancePath);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        problems.push({ segments: [...segments, String(params.missingProperty)], message: 'is required' });
        break;
      case 'additionalProperties':
        problems.push({ segments: [...segments, String(params.additionalProperty)], message: 'is not a known field', atKey: true });
        break;
      case 'enum':
        problems.push({ segments, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` });
        break;
      case 'minProperties':
      case 'maxProperties':
        problems.push({ segments, message: `must have exactly one of ${exactlyOneOf(e)}` });
        break;
      case 'pattern':
        problems.push({ segments, message: e.schemaPath.includes('duration') ? 'must be a duration such as 30s, 5m or 1h30m' : `must match ${String(params.pattern)}` });
        break;
      case 'oneOf':
      case 'anyOf':
        if (e.schemaPath.includes('bindings')) {
          problems.push({ segments, message: 'must name exactly one of group, subject' });
          break;
        }
        problems.push({ segments, message: e.schemaPath.includes('token') || e.schemaPath.includes('secret') || isSecretField(segments) ? 'must be a string, {env: NAME} or {file: PATH}' : 'is not one of the allowed forms' });
        break;
      case 'not':
        problems.push({ segments, message: segments.length === 0 ? 'use either source or sources, not both' : 'is not allowed here' });
        break;
      default:
        problems.push({ segments, message: e.message ?? 'is not valid' });
    }
  }
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.segments.join('/')}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isSecretField(segments: (string | number)[]): boolean {
  const last = segments.at(-1);
  return last === 'apiToken' || last === 'webhookSecret' || last === 'token';
}

function exactlyOneOf(e: ErrorObject): string {
  return e.instancePath.startsWith('/state') ? 'dir, dynamodb' : 'dir, git, dynamodb';
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `sources[0].git.url` */
export function fieldPath(segments: (string | number)[]): string {
  return segments.reduce<string>((path, s) => (typeof s === 'number' ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}
