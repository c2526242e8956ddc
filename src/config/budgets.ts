// cloud.budgets in keelson.yaml: the schema checks its shape; here the bucket names and the wait.
import { parseDuration } from '../api/duration.js';
import { DEFAULT_MAX_WAIT_MS } from '../cloud/budget/call-budget.js';
import { knownBucketKeys } from '../cloud/budget/rates.js';
import type { CallBudgetConfig } from './config.js';

export interface RawBudgets {
  enabled?: boolean;
  maxWait?: string;
  rates?: Record<string, { burst: number; perSecond: number }>;
}

export function resolveBudgets(raw: RawBudgets, report: (segments: (string | number)[], message: string) => void): CallBudgetConfig {
  const known = knownBucketKeys();
  const rates: CallBudgetConfig['rates'] = {};
  for (const [key, rate] of Object.entries(raw.rates ?? {})) {
    if (!known.includes(key)) {
      report(['cloud', 'budgets', 'rates', key], `is not a known bucket; use one of ${known.join(', ')}`);
      continue;
    }
    rates[key] = { burst: rate.burst, perSecond: rate.perSecond };
  }
  const maxWaitMs = raw.maxWait !== undefined ? parseDuration(raw.maxWait) : DEFAULT_MAX_WAIT_MS;
  if (maxWaitMs <= 0) report(['cloud', 'budgets', 'maxWait'], 'must be longer than 0s');
  return { enabled: raw.enabled ?? true, maxWaitMs, rates };
}
