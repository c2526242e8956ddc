// CloudPorts over the simulated world. Every AWS call (a DescribeServices chunk of 10 is one
// call, as the real adapter makes it) goes through the AWS SDK's retry policy, as the adapters'
// calls do (sdk-retry.ts): each attempt first brings the world up to the clock, is counted by
// `service:Operation`, may be failed by a scheduled fault, and returns copies of the state; a
// throttled, 5xx or timed-out attempt is retried after a backoff on the clock, and keelson sees
// only the last attempt's outcome.

import { AWS_DEFAULTS } from '../cloud/aws/defaults.js';
import { CloudError, type CloudErrorCode } from '../cloud/errors.js';
import type {
  CloudPorts,
  DnsPort,
  EcsPort,
  EcsTask,
  HttpProbePort,
  LoadBalancingPort,
  MetricsPort,
  RegistryPort,
  RunTaskInput,
  ScalingPort,
  TargetGroupWeight,
} from '../cloud/ports.js';
import { SCALABLE_TARGETS_PAGE } from '../cloud/aws/limits.js';
import { resolveProfile } from './profiles.js';
import { sdkErrorType, sdkWaitMs, type RetryDecision, type SdkErrorShape, type SdkRetryStrategy } from './sdk-retry.js';
import type { SimState } from './state.js';
import type { FaultService } from './world.js';

/** What the ports need from the simulator. */
export interface PortHost {
  readonly state: SimState;
  /** Brings the world up to the clock; returns the clock's now. */
  catchUp(): number;
  /** Counts every attempt, retries included. */
  readonly calls: Record<string, number>;
  readonly rejectedCalls: Record<string, Partial<Record<CloudErrorCode, number>>>;
  /** The retry state of the SDK client for a service (one per service, as the adapters build them). */
  retryOf(service: FaultService): SdkRetryStrategy;
  /** Waits on the clock: a backoff, the rate limiter, a request that times out. */
  sleep(ms: number): Promise<void>;
}

export async function awsCall<T>(host: PortHost, service: FaultService, operation: string, fn: (now: number) => T | Promise<T>): Promise<T> {
  const retry = host.retryOf(service);
  let token = retry.firstToken();
  await waitToSend(host, retry);
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptCall(host, service, operation, fn);
    if (outcome.ok) {
      retry.recordSuccess(token);
      return outcome.value;
    }
    const decision = retry.afterFailure(token, sdkErrorType(sdkErrorOf(outcome.error)));
    if (outcome.injected) tellRejected(host, `${service}:${operation}`, outcome.error, attempt, retry.maxAttempts, decision);
    if (!decision.retry) throw outcome.error;
    await host.sleep(sdkWaitMs(decision.delayMs));
    token = decision.token;
    await waitToSend(host, retry);
  }
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: CloudError; injected: boolean };

/** One attempt: one AWS call. Errors that are not CloudErrors are bugs and go straight up. */
async function attemptCall<T>(host: PortHost, service: FaultService, operation: string, fn: (now: number) => T | Promise<T>): Promise<Attempt<T>> {
  const key = `${service}:${operation}`;
  const now = host.catchUp();
  host.calls[key] = (host.calls[key] ?? 0) + 1;
  const fault = host.state.faults.apiError(service, operation, now);
  let error: CloudError;
  if (fault) {
    // The SDK's request handler gives up after its requestTimeout: the attempt took that long.
    if (fault.code === 'Timeout') await host.sleep(AWS_DEFAULTS.requestTimeoutMs);
    error = fault;
  } else {
    try {
      return { ok: true, value: await fn(now) };
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      error = err;
    }
  }
  const byCode = (host.rejectedCalls[key] ??= {});
  byCode[error.code] = (byCode[error.code] ?? 0) + 1;
  return { ok: false, error, injected: error === fault };
}

/** Adaptive mode: the client's rate limiter may hold an attempt back. */
async function waitToSend(host: PortHost, retry: SdkRetryStrategy): Promise<void> {
  for (let wait = retry.sendDelayMs(); wait > 0; wait = retry.sendDelayMs()) await host.sleep(sdkWaitMs(wait));
}

/** The error as the SDK would have seen it: the AWS answer a fault carries, or the model's error code. */
export function sdkErrorOf(err: CloudError): SdkErrorShape {
  const cause = err.details.cause as SdkErrorShape | undefined;
  if (cause && typeof cause === 'object' && typeof cause.name === 'string') return cause;
  return { name: err.details.awsCode ?? err.code };
}

function tellRejected(host: PortHost, key: string, err: CloudError, attempt: number, maxAttempts: number, decision: RetryDecision): void {
  const then = decision.retry
    ? 'retried by the SDK'
    : { notRetryable: 'not retried', attemptsUsed: `no attempts left (${attempt} of ${maxAttempts}), keelson sees ${err.code}`, quotaEmpty: `retry quota empty, keelson sees ${err.code}` }[decision.refusal];
  // Counted per second, operation and outcome, so a throttling storm stays a few lines.
  host.state.ctx.events.addRejected(host.catchUp(), key, `${err.details.awsCode ?? err.code}; ${then}`);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function simPorts(host: PortHost, http: HttpProbePort): CloudPorts {
  return { ecs: ecsPort(host), lb: lbPort(host), dns: dnsPort(host), metrics: metricsPort(host), scaling: scalingPort(host), http, registry: registryPort(host) };
}

function ecsPort(host: PortHost): EcsPort {
  const ecs = host.state.ecs;
  return {
    async describeServices(cluster, services) {
      const result = { services: [] as ReturnType<typeof ecs.describeService>[], failures: [] as { arn: string; reason: string }[] };
      for (const chunk of chunks(services, 10)) {
        await awsCall(host, 'ecs', 'DescribeServices', () => {
          ecs.requireCluster(cluster);
          for (const name of chunk) {
            const svc = ecs.findService(cluster, name);
            if (svc) result.services.push(ecs.describeService(svc));
            else result.failures.push({ arn: name.startsWith('arn:') ? name : ecs.serviceArn(cluster, name), reason: 'MISSING' });
          }
        });
      }
      return result;
    },
    updateService: (input) =>
      awsCall(host, 'ecs', 'UpdateService', (now) => ecs.describeService(ecs.update(input, now))),
    describeTaskDefinition: (ref) =>
      awsCall(host, 'ecs', 'DescribeTaskDefinition', () => ecs.describeTaskDefinition(ecs.taskDefinition(ref))),
    async registerTaskDefinitionFrom(base, change, tags = {}) {
      const baseTd = await awsCall(host, 'ecs', 'DescribeTaskDefinition', () => ecs.taskDefinition(base));
      return awsCall(host, 'ecs', 'RegisterTaskDefinition', (now) => {
        const same = baseTd.containers.find((c) => c.name === change.container)?.image === change.image;
        const profile = host.state.imageProfiles.get(change.image) ?? (same ? baseTd.profile : profileOfImage(host, change.image));
        return ecs.describeTaskDefinition(ecs.registerFrom(baseTd, change.container, change.image, profile, now, tags), true);
      });
    },
    async findTaskDefinition(family, tags, options) {
      const arns = await awsCall(host, 'ecs', 'ListTaskDefinitions', () => ecs.revisionsOf(family, options.limit));
      for (const arn of arns) {
        const td = await awsCall(host, 'ecs', 'DescribeTaskDefinition', () => ecs.describeTaskDefinition(ecs.taskDefinition(arn), true));
        if (Object.entries(tags).every(([key, value]) => td.tags?.[key] === value)) return td;
      }
      return undefined;
    },
    async listStoppedTasks(cluster, service, options = {}) {
      const tasks = await awsCall(host, 'ecs', 'ListTasks', (now) => ecs.stoppedTasks(ecs.service(cluster, service), now, options.since, options.limit));
      const out: EcsTask[] = [];
      for (const chunk of chunks(tasks, 100)) {
        await awsCall(host, 'ecs', 'DescribeTasks', () => out.push(...chunk.map((t) => ecs.describeTask(t))));
      }
      return out;
    },
    runTask: (input) =>
      awsCall(host, 'ecs', 'RunTask', (now) => {
        ecs.requireCluster(input.cluster);
        if (input.likeService) ecs.service(input.cluster, input.likeService);
        const td = ecs.taskDefinition(input.taskDefinition);
        const earlier = input.clientToken ? sameRunTask(ecs.runTaskTokens, input, now) : undefined;
        if (earlier) return { taskArn: earlier };
        const task = ecs.createTask(input.cluster, td, now);
        if (input.clientToken) ecs.runTaskTokens.set(`${input.cluster} ${input.clientToken}`, { request: runTaskKey(input), taskArn: task.arn, at: now });
        return { taskArn: task.arn };
      }),
    stopTask: (cluster, taskArn, reason) =>
      awsCall(host, 'ecs', 'StopTask', (now) => {
        ecs.requireCluster(cluster);
        const task = ecs.tasks.get(taskArn);
        if (!task || task.cluster !== cluster) throw new CloudError('Invalid', `The referenced task was not found.`, { service: 'ecs', awsCode: 'InvalidParameterException' });
        if (task.desiredStatus === 'STOPPED') return 'unchanged';
        host.state.scheduler.stopTask(task, reason, now, 'UserInitiated');
        return 'updated';
      }),
    async describeTasks(cluster, taskArns) {
      const out: EcsTask[] = [];
      for (const chunk of chunks(taskArns, 100)) {
        await awsCall(host, 'ecs', 'DescribeTasks', () => {
          ecs.requireCluster(cluster);
          for (const arn of chunk) {
            const t = ecs.tasks.get(arn);
            if (t && t.cluster === cluster) out.push(ecs.describeTask(t));
          }
        });
      }
      return out;
    },
  };
}

/**
 * RunTask idempotency (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html):
 * a token is scoped to its cluster and kept 24 hours; the same token with the same parameters
 * returns the task first started, with other parameters it is a ConflictException.
 */
const RUN_TASK_TOKEN_TTL_MS = 24 * 3_600_000;

function sameRunTask(tokens: Map<string, { request: string; taskArn: string; at: number }>, input: RunTaskInput, now: number): string | undefined {
  const key = `${input.cluster} ${input.clientToken}`;
  const earlier = tokens.get(key);
  if (!earlier || now - earlier.at >= RUN_TASK_TOKEN_TTL_MS) return undefined;
  if (earlier.request !== runTaskKey(input)) {
    throw new CloudError('Conflict', `The client token ${input.clientToken} was already used with different parameters.`, { service: 'ecs', awsCode: 'ConflictException' });
  }
  return earlier.taskArn;
}

function runTaskKey(input: RunTaskInput): string {
  return JSON.stringify([input.taskDefinition, input.likeService ?? null, input.overrides ?? [], input.startedBy ?? null]);
}

function profileOfImage(host: PortHost, image: string): ReturnType<typeof resolveProfile> {
  for (const td of host.state.ecs.taskDefinitions.values()) if (td.containers.some((c) => c.image === image)) return td.profile;
  return resolveProfile();
}

function lbPort(host: PortHost): LoadBalancingPort {
  const elb = host.state.elb;
  const readOp = (ref: { ruleArn?: string }): string => (ref.ruleArn !== undefined ? 'DescribeRules' : 'DescribeListeners');
  const writeOp = (ref: { ruleArn?: string }): string => (ref.ruleArn !== undefined ? 'ModifyRule' : 'ModifyListener');
  return {
    readWeights: (ref) => awsCall(host, 'elbv2', readOp(ref), () => elb.readWeights(ref)),
    async readWeightsMany(refs) {
      // One DescribeListeners for the listeners and one DescribeRules for the rules, as the adapter
      // sends them; either fails as a whole (ListenerNotFound, RuleNotFound) when one ARN is missing.
      const answers = new Map<number, TargetGroupWeight[] | CloudError>();
      for (const op of ['DescribeListeners', 'DescribeRules'] as const) {
        const asked = refs.map((ref, i) => [ref, i] as const).filter(([ref]) => readOp(ref) === op);
        if (asked.length === 0) continue;
        await awsCall(host, 'elbv2', op, () => {
          for (const [ref] of asked) elb.forward(ref);
          for (const [ref, i] of asked) answers.set(i, elb.readWeights(ref));
        });
      }
      return refs.map((_, i) => answers.get(i) as TargetGroupWeight[]);
    },
    async setWeights(ref, weights) {
      const current = await awsCall(host, 'elbv2', readOp(ref), () => elb.readWeights(ref));
      const key = (ws: readonly { targetGroupArn: string; weight: number }[]): string =>
        ws.map((w) => `${w.targetGroupArn}=${w.weight}`).sort().join(',');
      if (key(current) === key(weights)) return 'unchanged';
      return awsCall(host, 'elbv2', writeOp(ref), (now) => elb.setWeights(ref, weights, now));
    },
    describeTargetHealth: (arn) => awsCall(host, 'elbv2', 'DescribeTargetHealth', () => elb.describeTargetHealth(arn)),
    describeTargetGroups: (arns) =>
      awsCall(host, 'elbv2', 'DescribeTargetGroups', () =>
        arns.map((arn) => {
          const tg = elb.targetGroup(arn);
          return { arn: tg.arn, name: tg.name, loadBalancerArns: [...tg.loadBalancerArns] };
        }),
      ),
  };
}

function dnsPort(host: PortHost): DnsPort {
  const dns = host.state.dns;
  return {
    readWeightedRecords: (key) => awsCall(host, 'route53', 'ListResourceRecordSets', () => dns.read(key)),
    async setWeights(key, weights) {
      const current = await awsCall(host, 'route53', 'ListResourceRecordSets', () => dns.read(key));
      // As the AWS adapter does: an UPSERT would create a missing record, so none is sent.
      const missing = weights.filter((w) => !current.some((r) => r.setIdentifier === w.setIdentifier)).map((w) => w.setIdentifier);
      if (missing.length > 0) {
        throw new CloudError('NotFound', `no weighted ${key.recordType} record ${key.recordName} with set identifier ${missing.join(', ')} in hosted zone ${key.hostedZoneId}`, {
          service: 'route53',
          operation: 'ChangeResourceRecordSets',
        });
      }
      const unchanged = weights.every((w) => current.some((r) => r.setIdentifier === w.setIdentifier && r.weight === w.weight));
      if (unchanged) return { result: 'unchanged' as const };
      return awsCall(host, 'route53', 'ChangeResourceRecordSets', (now) => dns.setWeights(key, weights, now));
    },
    getChangeStatus: (changeId) => awsCall(host, 'route53', 'GetChange', () => dns.changeStatus(changeId)),
  };
}

function metricsPort(host: PortHost): MetricsPort {
  const cw = host.state.cloudwatch;
  return {
    getMetricData: (queries, range) => awsCall(host, 'cloudwatch', 'GetMetricData', () => cw.getMetricData(queries, range)),
    async describeAlarms(names) {
      const out = [];
      for (const chunk of chunks(names, 100)) out.push(...(await awsCall(host, 'cloudwatch', 'DescribeAlarms', () => cw.describeAlarms(chunk))));
      return out;
    },
  };
}

function scalingPort(host: PortHost): ScalingPort {
  const scaling = host.state.scaling;
  // Application Auto Scaling names an ECS service by cluster and service name, never by ARN.
  const names = (cluster: string, service: string): [string, string] => [lastSegment(cluster), lastSegment(service)];
  return {
    describeScalableTarget: (cluster, service) =>
      awsCall(host, 'autoscaling', 'DescribeScalableTargets', () => scaling.describe(...names(cluster, service))),
    async describeScalableTargets(services) {
      const out: (ReturnType<typeof scaling.describe>)[] = [];
      for (const chunk of chunks(services, SCALABLE_TARGETS_PAGE)) {
        out.push(...(await awsCall(host, 'autoscaling', 'DescribeScalableTargets', () => chunk.map((s) => scaling.describe(...names(s.cluster, s.service))))));
      }
      return out;
    },
    putScalingPolicy: (cluster, service, input) =>
      awsCall(host, 'autoscaling', 'PutScalingPolicy', (now) => scaling.putPolicy(...names(cluster, service), input, now)),
    putScheduledAction: (cluster, service, input) =>
      awsCall(host, 'autoscaling', 'PutScheduledAction', (now) => scaling.putScheduledAction(...names(cluster, service), input, now)),
    describeScalingActivities: (cluster, service, options = {}) =>
      awsCall(host, 'autoscaling', 'DescribeScalingActivities', () => scaling.activities(...names(cluster, service), options.limit)),
  };
}

function registryPort(host: PortHost): RegistryPort {
  return {
    describeImageByTag: (repository, tag, registryId) =>
      awsCall(host, 'ecr', 'DescribeImages', () => host.state.registry.describeImageByTag(repository, tag, registryId)),
  };
}

function lastSegment(name: string): string {
  return name.startsWith('arn:') ? (name.split('/').pop() ?? name) : name;
}

/** Ports for a region the world does not have: every call fails, as with no endpoint. */
export function missingRegionPorts(region: string, worldRegion: string): CloudPorts {
  const fail = (): Promise<never> =>
    Promise.reject(new CloudError('Invalid', `region ${region} is not simulated (the world is in ${worldRegion})`, { awsCode: 'UnknownRegion' }));
  const handler: ProxyHandler<object> = { get: () => fail };
  const port = <T>(): T => new Proxy({}, handler) as T;
  return { ecs: port(), lb: port(), dns: port(), metrics: port(), scaling: port(), http: port(), registry: port() };
}
