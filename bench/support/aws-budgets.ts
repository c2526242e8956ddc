// The documented request rates of the APIs keelson calls, per account and Region, for the scale
// bench's table of calls per second against each API's budget. Where AWS publishes no number for
// an operation, `perSecond` is absent and the note says where the quota is shown instead.

export interface ApiBudget {
  /** Sustained (bucket refill) rate, requests per second. */
  perSecond?: number;
  /** Operations that share the bucket, as `service:Operation`. */
  shared?: string[];
  note: string;
  url: string;
}

const ECS = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';
const ELB = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html';
const DYNAMO_READS = ['dynamodb:GetItem', 'dynamodb:Query'];
const ELB_DESCRIBE = ['elbv2:DescribeListeners', 'elbv2:DescribeRules', 'elbv2:DescribeTargetHealth', 'elbv2:DescribeTargetGroups'];

export const API_BUDGETS: Record<string, ApiBudget> = {
  'ecs:DescribeServices': { perSecond: 20, note: 'service read actions: 20/s sustained', url: ECS },
  'ecs:ListTasks': { perSecond: 20, note: 'cluster resource read actions (DescribeTasks, ListTasks): 20/s sustained', url: ECS },
  'ecs:DescribeTasks': { perSecond: 20, note: 'cluster resource read actions (DescribeTasks, ListTasks): 20/s sustained', url: ECS },
  ...Object.fromEntries(
    ELB_DESCRIBE.map((op) => [op, { perSecond: 10, shared: ELB_DESCRIBE, note: 'every non-mutating (Describe*) action shares one bucket: 40, refill 10/s', url: ELB }]),
  ),
  'cloudwatch:GetMetricData': { perSecond: 50, note: 'GetMetricData: 50 transactions per second', url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html' },
  'autoscaling:DescribeScalableTargets': {
    note: 'Application Auto Scaling has its own throttle bucket; its rate is shown in the Service Quotas console, not published',
    url: 'https://repost.aws/knowledge-center/autoscaling-api-calls-throttled',
  },
  'dynamodb:GetItem': { perSecond: 40_000, shared: DYNAMO_READS, note: 'on-demand table: 40,000 read request units/s per table (1 unit per consistent read up to 4 KB)', url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html' },
  'dynamodb:Query': { perSecond: 40_000, shared: DYNAMO_READS, note: 'on-demand table: 40,000 read request units/s per table (a Query: 1 unit per 4 KB read)', url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html' },
  'dynamodb:PutItem': { perSecond: 40_000, note: 'on-demand table: 40,000 write request units/s per table (1 unit per KB written)', url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html' },
};
