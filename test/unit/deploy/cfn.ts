// Reading CloudFormation YAML in tests: the short-form intrinsic functions become their JSON
// form ({Ref: X}, {'Fn::Sub': ...}), so a template reads like `aws cloudformation` sees it.

import { parse } from 'yaml';
import type { CollectionTag, ScalarTag, Tags } from 'yaml';

const FUNCTIONS = [
  'Base64', 'Cidr', 'Condition', 'Contains', 'Equals', 'FindInMap', 'GetAZs', 'GetAtt', 'If', 'ImportValue',
  'Join', 'Not', 'And', 'Or', 'Select', 'Split', 'Sub', 'Ref',
] as const;

function key(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** `!GetAtt Table.Arn` and `!GetAtt [Table, Arn]` both become {'Fn::GetAtt': ['Table', 'Arn']}. */
function scalar(name: string, value: string): unknown {
  if (name === 'GetAtt') {
    const dot = value.indexOf('.');
    return { [key(name)]: [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [key(name)]: value };
}

export const CFN_TAGS: Tags = FUNCTIONS.flatMap((name): (ScalarTag | CollectionTag)[] => [
  { tag: `!${name}`, resolve: (value: string) => scalar(name, value) },
  { tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [key(name)]: seq.toJSON() }) },
  { tag: `!${name}`, collection: 'map', resolve: (map) => ({ [key(name)]: map.toJSON() }) },
]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Template {
  Parameters: Record<string, { Type: string; Default?: Json; NoEcho?: boolean; AllowedValues?: Json[] }>;
  Rules?: Record<string, { RuleCondition?: Json; Assertions: { Assert: Json; AssertDescription?: string }[] }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties?: Record<string, Json>; Condition?: string; DependsOn?: string | string[]; Metadata?: Json }>;
  Outputs: Record<string, { Value: Json; Condition?: string }>;
}

export function parseTemplate(text: string): Template {
  return parse(text, { customTags: CFN_TAGS }) as Template;
}

export const NO_VALUE = { Ref: 'AWS::NoValue' };

export function isNoValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: unknown }).Ref === 'AWS::NoValue';
}

/**
 * Every value a property may take, with each `Fn::If` counted as both of its branches and
 * AWS::NoValue left out: what a check of "the policy never grants X" must look at.
 */
export function branches(value: Json): Json[] {
  if (Array.isArray(value)) return value.flatMap(branches);
  if (typeof value === 'object' && value !== null && 'Fn::If' in value) {
    const [, whenTrue, whenFalse] = value['Fn::If'] as [string, Json, Json];
    return [...branches(whenTrue), ...branches(whenFalse)].filter((v) => !isNoValue(v));
  }
  return isNoValue(value) ? [] : [value];
}

/** Visits every object in a tree (for finding Ref, GetAtt, Sub wherever they are). */
export function walk(value: Json, visit: (node: { [key: string]: Json }) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (typeof value === 'object' && value !== null) {
    visit(value);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}
