import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONDITION_TYPES, REASONS } from '../../../src/api/conditions.js';
import type { ConditionType } from '../../../src/api/types.js';

const root = new URL('../../../', import.meta.url);
const docs = readFileSync(new URL('docs/release-api.md', root), 'utf8');
const schema = JSON.parse(readFileSync(new URL('schemas/release.schema.json', root), 'utf8')) as {
  $defs: { statusCondition: { properties: { type: { enum: string[] } } } };
};

// Compiles only while CONDITION_TYPES lists exactly the condition types of the API.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const typesListed: Same<(typeof CONDITION_TYPES)[number], ConditionType> = true;

/** First-column codes of the table that follows `intro` in the Conditions and reasons section. */
function documented(intro: string): string[] {
  const section = docs.slice(docs.indexOf('### Conditions and reasons'));
  const table = section.slice(section.indexOf(intro));
  const rows = table.slice(0, table.search(/\n\n(?!\|)/) + 1 || undefined);
  return [...rows.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1] ?? '');
}

/** Every .ts file of the code that sets status, minus the module that defines the reasons. */
function sourceTexts(): string[] {
  const texts: string[] = [];
  for (const dir of ['src', 'controllers']) {
    for (const file of readdirSync(new URL(`${dir}/`, root), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.ts') && !`${dir}/${file}`.endsWith('api/conditions.ts')) texts.push(readFileSync(new URL(`${dir}/${file}`, root), 'utf8'));
    }
  }
  return texts;
}

describe('conditions and reasons', () => {
  it('documents every reason in docs/release-api.md, and documents no reason that does not exist', () => {
    expect(documented('| reason |').sort()).toEqual(Object.values(REASONS).sort());
  });

  it('documents every condition type, and the schema allows exactly those', () => {
    expect(documented('| condition |').sort()).toEqual([...CONDITION_TYPES].sort());
    expect(schema.$defs.statusCondition.properties.type.enum.sort()).toEqual([...CONDITION_TYPES].sort());
  });

  it('sets every reason somewhere: none is defined and never used', () => {
    const texts = sourceTexts();
    const unused = Object.keys(REASONS).filter((key) => !texts.some((t) => new RegExp(`\\bREASONS\\.${key}\\b`).test(t)));
    expect(unused).toEqual([]);
  });
});
