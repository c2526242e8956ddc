// The documented request rates of the APIs keelson calls, per account and Region, for the scale
// bench's table of calls per second against each API's budget. The AWS rates are the ones the
// call budget paces keelson at (src/cloud/budget/rates.ts); DynamoDB, which the budget does not
// pace, is added here. Where AWS publishes no number, `perSecond` is absent and the note says so.
import { bucketsFor, DOCUMENTED_RATES, type BudgetService } from '../../src/cloud/budget/rates.js';

export interface ApiBudget {
  /** Sustained (bucket refill) rate, requests per second. */
  perSecond?: number;
  /** Operations that share the bucket, as `service:Operation`. */
  shared?: string[];
  note: string;
  url: string;
}

/** The calls keelson counts, as `service:Operation`, for the APIs the budget paces. */
const PACED = ['ecs:DescribeServices', 'ecs:ListTasks', 'ecs:DescribeTasks', 'elbv2:DescribeListeners', 'elbv2:DescribeRules', 'elbv2:DescribeTargetHealth', 'elbv2:DescribeTargetGroups', 'cloudwatch:GetMetricData'];

/** The tightest bucket an API draws on, and the other counted APIs that draw on it too. */
function paced(op: string): [string, ApiBudget] {
  const [service = '', api = ''] = op.split(':') as [BudgetService, string];
  const rates = DOCUMENTED_RATES[service as BudgetService];
  const [bucket] = bucketsFor(rates, api).sort((a, b) => (rates.buckets[a]?.perSecond ?? 0) - (rates.buckets[b]?.perSecond ?? 0));
  const spec = bucket === undefined ? undefined : rates.buckets[bucket];
  if (!spec) return [op, { note: 'not paced by keelson', url: rates.source ?? '' }];
  const shared = PACED.filter((other) => other !== op && other.startsWith(`${service}:`) && bucketsFor(rates, other.split(':')[1] ?? '').includes(bucket as string));
  return [op, { perSecond: spec.perSecond, ...(shared.length > 0 ? { shared: [op, ...shared] } : {}), note: `bucket ${service}.${bucket}: ${spec.burst} at once, refill ${spec.perSecond}/s`, url: rates.source ?? '' }];
}

const DYNAMO_QUOTAS = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html';
const DYNAMO_READS = ['dynamodb:GetItem', 'dynamodb:Query'];

export const API_BUDGETS: Record<string, ApiBudget> = {
  ...Object.fromEntries(PACED.map(paced)),
  'autoscaling:DescribeScalableTargets': {
    note: 'Application Auto Scaling has its own throttle bucket; its rate is shown in the Service Quotas console, not published',
    url: 'https://repost.aws/knowledge-center/autoscaling-api-calls-throttled',
  },
  'dynamodb:GetItem': { perSecond: 40_000, shared: DYNAMO_READS, note: 'on-demand table: 40,000 read request units/s per table (1 unit per consistent read up to 4 KB)', url: DYNAMO_QUOTAS },
  'dynamodb:Query': { perSecond: 40_000, shared: DYNAMO_READS, note: 'on-demand table: 40,000 read request units/s per table (a Query: 1 unit per 4 KB read)', url: DYNAMO_QUOTAS },
  'dynamodb:PutItem': { perSecond: 40_000, note: 'on-demand table: 40,000 write request units/s per table (1 unit per KB written)', url: DYNAMO_QUOTAS },
};
