// The Release schema and its validator, compiled once per process on first use.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import schema from '../../schemas/release.schema.json' with { type: 'json' };

/** The schema as data (schemas/release.schema.json). */
export const releaseSchema: Readonly<Record<string, unknown>> = schema;


let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // verbose: errors carry the schema that failed, which the message rewriting reads.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
    ajvFormats.default(ajv, ['date-time']); // CommonJS: the plugin is also its own .default
    compiled = ajv.compile(releaseSchema);
  }
  return compiled;
}

/** ajv's errors for a parsed document; empty when it matches the schema. */
export function schemaErrors(value: unknown): ErrorObject[] {
  const validate = validator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
