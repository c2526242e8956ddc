// The Release schema and its validator, compiled once per process on first use.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import schema from '../../schemas/release.schema.json' with { type: 'json' };
import { isDuration, parseDuration } from './duration.js';

/** The schema as data (schemas/release.schema.json). */
export const releaseSchema: Readonly<Record<string, unknown>> = schema;

/** The duration range keywords of the schema, and whether a value in milliseconds is within the limit. */
export const DURATION_RANGE_KEYWORDS: readonly [string, (ms: number, limit: number) => boolean][] = [
  ['minDuration', (ms, limit) => ms >= limit],
  ['maxDuration', (ms, limit) => ms <= limit],
];

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // verbose: errors carry the schema that failed, which the message rewriting reads.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
    ajvFormats.default(ajv, ['date-time']); // CommonJS: the plugin is also its own .default
    // Ranges of duration fields (`"minDuration": "1s"`): JSON Schema compares numbers, not
    // duration strings. Editors that do not know these keywords skip them; keelson enforces them.
    // A malformed duration is the pattern's to report, so it passes here.
    for (const [keyword, inRange] of DURATION_RANGE_KEYWORDS) {
      ajv.addKeyword({
        keyword,
        schemaType: 'string',
        validate: (limit: string, data: unknown) => typeof data !== 'string' || !isDuration(data) || inRange(parseDuration(data), parseDuration(limit)),
      });
    }
    compiled = ajv.compile(releaseSchema);
  }
  return compiled;
}

/** ajv's errors for a parsed document; empty when it matches the schema. */
export function schemaErrors(value: unknown): ErrorObject[] {
  const validate = validator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
