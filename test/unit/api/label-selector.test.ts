import { describe, expect, it } from 'vitest';
import { LabelSelectorError, matchesLabels, parseLabelSelector } from '../../../src/api/label-selector.js';

describe('parseLabelSelector', () => {
  it('parses every kind of requirement, whitespace or not', () => {
    expect(parseLabelSelector('team=aep, tier!=batch,env in (prod, staging),zone notin(a,b), canary ,!legacy,app==web').requirements).toEqual([
      { key: 'team', op: 'equals', value: 'aep' },
      { key: 'tier', op: 'notEquals', value: 'batch' },
      { key: 'env', op: 'in', values: ['prod', 'staging'] },
      { key: 'zone', op: 'notIn', values: ['a', 'b'] },
      { key: 'canary', op: 'exists' },
      { key: 'legacy', op: 'notExists' },
      { key: 'app', op: 'equals', value: 'web' },
    ]);
  });

  it('takes prefixed keys and empty values', () => {
    expect(parseLabelSelector('keelson.dev/owner=platform,tier=').requirements).toEqual([
      { key: 'keelson.dev/owner', op: 'equals', value: 'platform' },
      { key: 'tier', op: 'equals', value: '' },
    ]);
  });

  it('reads the empty selector as no requirement', () => {
    expect(parseLabelSelector('').requirements).toEqual([]);
    expect(parseLabelSelector('   ').requirements).toEqual([]);
  });

  it.each([
    ['team=aep,', 9, 'expected a label key, found the end'],
    [',team', 0, 'expected a label key, found ","'],
    ['team=aep tier=x', 9, 'expected "," or the end, found "tier"'],
    ['env in prod', 7, 'expected "(", found "prod"'],
    ['env in (prod', 12, 'expected "," or ")", found the end'],
    ['env in ()', 8, 'expected a label value, found ")"'],
    ['env in (a,)', 10, 'expected a label value, found ")"'],
    ['env notin (a b)', 13, 'expected "," or ")", found "b"'],
    ['env within (a)', 4, 'expected "=", "==", "!=", "in", "notin", "," or the end after "env", found "within"'],
    ['!', 1, 'expected a label key after "!", found the end'],
    ['!team=aep', 5, 'expected "," or the end, found "="'],
    ['team=a=b', 6, 'expected "," or the end, found "="'],
    ['-team=aep', 0, 'label key "-team" is invalid'],
    ['Bad_Prefix/team=aep', 0, 'label key "Bad_Prefix/team" has an invalid prefix'],
    ['/team', 0, 'has an invalid prefix'],
    ['team=aep-', 5, 'label value "aep-" is invalid'],
    [`team=${'a'.repeat(64)}`, 5, 'is invalid (at most 63'],
    [`${'k'.repeat(64)}`, 0, 'is invalid (at most 63'],
  ])('refuses %j at position %i', (text, position, message) => {
    let caught: unknown;
    try {
      parseLabelSelector(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LabelSelectorError);
    const err = caught as LabelSelectorError;
    expect(err.code).toBe('InvalidLabelSelector');
    expect(err.position).toBe(position);
    expect(err.message).toContain(message);
    expect(err.message).toMatch(new RegExp(`at position ${position}$`));
  });
});

describe('matchesLabels', () => {
  const aepProd = { team: 'aep', tier: 'web', env: 'prod' };
  const aepBatch = { team: 'aep', tier: 'batch', env: 'staging', legacy: 'true' };
  const rastup = { team: 'rastup', env: 'dev' };
  const none = {};
  const select = (text: string) => [aepProd, aepBatch, rastup, none].map((labels) => matchesLabels(parseLabelSelector(text), labels));

  it.each([
    ['', [true, true, true, true]],
    ['team=aep', [true, true, false, false]],
    ['team==aep', [true, true, false, false]],
    // != and notin match a Release without the label, as in Kubernetes.
    ['tier!=batch', [true, false, true, true]],
    ['env in (prod,staging)', [true, true, false, false]],
    ['env notin (prod,staging)', [false, false, true, true]],
    ['legacy', [false, true, false, false]],
    ['!legacy', [true, false, true, true]],
    ['team=aep,tier!=batch,env in (prod,staging),!legacy', [true, false, false, false]],
    ['team=aep,team=rastup', [false, false, false, false]],
  ])('%j selects %j', (text, expected) => {
    expect(select(text)).toEqual(expected);
  });

  it('tells an empty value from an absent label', () => {
    const selector = parseLabelSelector('tier=');
    expect(matchesLabels(selector, { tier: '' })).toBe(true);
    expect(matchesLabels(selector, {})).toBe(false);
    expect(matchesLabels(parseLabelSelector('tier'), { tier: '' })).toBe(true);
  });

  it('never matches inherited object properties as labels', () => {
    expect(matchesLabels(parseLabelSelector('constructor'), {})).toBe(false);
    expect(matchesLabels(parseLabelSelector('!toString'), {})).toBe(true);
  });
});
