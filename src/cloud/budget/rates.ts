// AWS's documented request rates, as token buckets: a bucket holds at most `burst` tokens, gains
// `perSecond` tokens a second, and every request takes one from each bucket its API draws on.
// Where AWS documents no rate (Application Auto Scaling, ECR DescribeImages) keelson sets none:
// its calls there are few, the SDK's adaptive retry still paces them, and keelson.yaml can add one.

/** The AWS services keelson calls, named as the simulator's faults name them. */
export type BudgetService = 'ecs' | 'elbv2' | 'route53' | 'cloudwatch' | 'autoscaling' | 'ecr';

export const BUDGET_SERVICES: readonly BudgetService[] = ['ecs', 'elbv2', 'route53', 'cloudwatch', 'autoscaling', 'ecr'];

export interface BucketRate {
  /** Tokens the bucket holds at most: requests that may go at once. */
  burst: number;
  /** Tokens added each second: the sustained rate. */
  perSecond: number;
}

export interface BucketSpec extends BucketRate {
  /** The APIs that draw on it; `*` every API of the service (an account-level bucket). */
  apis: readonly string[] | '*';
}

export interface ServiceRates {
  /** `region`: AWS counts per account and region; `account`: one count for all regions (Route 53 is global). */
  scope: 'region' | 'account';
  buckets: Record<string, BucketSpec>;
  /** Where AWS documents these rates. */
  source?: string;
}

export const ECS_THROTTLING_URL = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';
export const ELB_THROTTLING_URL = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html';
export const ROUTE53_THROTTLING_URL = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html';
export const CLOUDWATCH_QUOTAS_URL = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html';

/** The default rates of a new AWS account, per bucket. */
export const DOCUMENTED_RATES: Record<BudgetService, ServiceRates> = {
  // ECS: one bucket per group of actions, per account and region; no account-wide bucket.
  ecs: {
    scope: 'region',
    source: ECS_THROTTLING_URL,
    buckets: {
      serviceRead: { burst: 100, perSecond: 20, apis: ['DescribeServices', 'ListServices'] },
      serviceModify: { burst: 50, perSecond: 5, apis: ['CreateService', 'DeleteService', 'UpdateService'] },
      taskDefinitionRead: { burst: 50, perSecond: 20, apis: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'] },
      taskDefinitionModify: { burst: 20, perSecond: 1, apis: ['RegisterTaskDefinition', 'DeregisterTaskDefinition'] },
      clusterResourceRead: { burst: 100, perSecond: 20, apis: ['DescribeTasks', 'ListTasks', 'DescribeContainerInstances', 'ListContainerInstances', 'ListAttributes'] },
      clusterResourceModify: { burst: 100, perSecond: 40, apis: ['RunTask', 'StartTask', 'StopTask'] },
      tagModify: { burst: 20, perSecond: 10, apis: ['TagResource', 'UntagResource'] },
      tagRead: { burst: 50, perSecond: 20, apis: ['ListTagsForResource'] },
    },
  },
  // ELBv2: an account-level bucket shared by every action, and one per category.
  elbv2: {
    scope: 'region',
    source: ELB_THROTTLING_URL,
    buckets: {
      account: { burst: 40, perSecond: 10, apis: '*' },
      nonMutating: {
        burst: 40,
        perSecond: 10,
        apis: ['DescribeListeners', 'DescribeRules', 'DescribeTargetGroups', 'DescribeTargetHealth', 'DescribeLoadBalancers', 'DescribeTags', 'DescribeTargetGroupAttributes', 'DescribeListenerAttributes'],
      },
      mutating: { burst: 20, perSecond: 3, apis: ['ModifyListener', 'ModifyRule', 'CreateRule', 'DeleteRule', 'ModifyTargetGroup', 'ModifyTargetGroupAttributes', 'AddTags', 'RemoveTags'] },
      registration: { burst: 20, perSecond: 4, apis: ['RegisterTargets', 'DeregisterTargets'] },
    },
  },
  // Route 53 is global: one account-level bucket for all its APIs. Each API also has its own
  // bucket, 50/10 for every one keelson calls, which the account bucket always empties first.
  route53: {
    scope: 'account',
    source: ROUTE53_THROTTLING_URL,
    buckets: { account: { burst: 50, perSecond: 10, apis: '*' } },
  },
  // CloudWatch documents requests per second per API, with no burst beyond one second's worth.
  cloudwatch: {
    scope: 'region',
    source: CLOUDWATCH_QUOTAS_URL,
    buckets: {
      GetMetricData: { burst: 500, perSecond: 500, apis: ['GetMetricData'] },
      DescribeAlarms: { burst: 9, perSecond: 9, apis: ['DescribeAlarms'] },
    },
  },
  autoscaling: { scope: 'region', buckets: {} },
  ecr: { scope: 'region', buckets: {} },
};

/** A bucket name keelson.yaml may set for a service without one: it applies to every API. */
export const WHOLE_SERVICE_BUCKET = 'account';

/** `ecs.serviceRead` → the rate to use instead of the documented one. */
export type RateOverrides = Record<string, BucketRate>;

/** The rates in force: the documented ones, with the configured ones put over them. */
export function ratesWith(overrides: RateOverrides = {}): Record<BudgetService, ServiceRates> {
  const rates = structuredClone(DOCUMENTED_RATES) as Record<BudgetService, ServiceRates>;
  for (const [key, rate] of Object.entries(overrides)) {
    const { service, bucket } = parseBucketKey(key);
    const known = rates[service].buckets[bucket];
    rates[service].buckets[bucket] = { burst: rate.burst, perSecond: rate.perSecond, apis: known?.apis ?? '*' };
  }
  return rates;
}

/** The names keelson.yaml may use under `cloud.budgets.rates`. */
export function knownBucketKeys(): string[] {
  return BUDGET_SERVICES.flatMap((service) => {
    const names = Object.keys(DOCUMENTED_RATES[service].buckets);
    return (names.includes(WHOLE_SERVICE_BUCKET) ? names : [...names, WHOLE_SERVICE_BUCKET]).map((b) => `${service}.${b}`);
  });
}

export function parseBucketKey(key: string): { service: BudgetService; bucket: string } {
  const dot = key.indexOf('.');
  const service = key.slice(0, dot) as BudgetService;
  if (dot < 0 || !BUDGET_SERVICES.includes(service)) throw new RangeError(`unknown budget bucket ${key}`);
  return { service, bucket: key.slice(dot + 1) };
}

/** The buckets one request to `api` takes a token from. */
export function bucketsFor(rates: ServiceRates, api: string): string[] {
  return Object.entries(rates.buckets)
    .filter(([, spec]) => spec.apis === '*' || spec.apis.includes(api))
    .map(([name]) => name);
}
