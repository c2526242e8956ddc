// Generates src/api/release.schema.generated.ts from schemas/release.schema.json.
// test/unit/api/types-match-schema.test.ts regenerates it and compares byte for byte.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import type { JSONSchema } from 'json-schema-to-typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_FILE = `${ROOT}schemas/release.schema.json`;
export const GENERATED_FILE = `${ROOT}src/api/release.schema.generated.ts`;

const BANNER = `// Generated from schemas/release.schema.json by \`npm run gen:types\`; do not edit.
// src/api/types.ts is the hand-written API; test/unit/api/types-match-schema.test.ts keeps both in step.`;

/** The TypeScript text json-schema-to-typescript makes of the schema. */
export async function generateReleaseTypes(): Promise<string> {
  const schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as JSONSchema;
  return compile(schema, 'Release', {
    bannerComment: BANNER,
    // Only the schema's own additionalProperties count; maps say so explicitly.
    additionalProperties: false,
    // minItems is checked by the validator; tuple types would not match Step[] and friends.
    ignoreMinAndMaxItems: true,
    cwd: `${ROOT}schemas`,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(GENERATED_FILE, await generateReleaseTypes());
  console.log(`wrote ${GENERATED_FILE}`);
}
