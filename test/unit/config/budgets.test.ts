// cloud.budgets in keelson.yaml: documented rates by default, overrides by bucket, clear errors.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { configProblems } from '../../helpers/config.js';

const problems = (text: string): string[] => configProblems(text);

describe('cloud.budgets', () => {
  it('is absent (on, at the documented rates) unless written', () => {
    expect(parseConfig('cloud: {provider: aws}\n', 'keelson.yaml', {}).cloud.budgets).toBeUndefined();
  });

  it('reads raised rates by bucket, the wait bound, and turning it off', () => {
    const config = parseConfig(
      'cloud:\n  provider: aws\n  budgets:\n    enabled: false\n    maxWait: 2m\n    rates:\n      ecs.serviceRead: {burst: 200, perSecond: 40}\n      autoscaling.account: {burst: 20, perSecond: 10}\n',
      'keelson.yaml',
      {},
    );
    expect(config.cloud.budgets).toEqual({
      enabled: false,
      maxWaitMs: 120_000,
      rates: { 'ecs.serviceRead': { burst: 200, perSecond: 40 }, 'autoscaling.account': { burst: 20, perSecond: 10 } },
    });
  });

  it('refuses an unknown bucket, naming the known ones, and a rate of zero, with their lines', () => {
    const found = problems('cloud:\n  budgets:\n    rates:\n      ecs.serviceReads: {burst: 10, perSecond: 1}\n      route53.account: {burst: 10, perSecond: 0}\n');
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/keelson\.yaml:5:\d+ .*route53\.account\.perSecond.*must be > 0/),
      ]),
    );
    const unknown = problems('cloud:\n  budgets:\n    rates:\n      ecs.serviceReads: {burst: 10, perSecond: 1}\n');
    expect(unknown).toEqual([expect.stringMatching(/keelson\.yaml:4:\d+ .*ecs\.serviceReads.*is not a known bucket; use one of .*ecs\.serviceRead,/)]);
  });
});
