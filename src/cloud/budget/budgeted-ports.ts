// The ports of one pass, each method first waiting for the requests it makes. A port method may
// make several AWS requests; what it makes is known from its arguments (DescribeServices takes 10
// names a request), or only from its answer: those requests are charged once it returns, and a
// write that turns out unneeded gives its token back.
import type { CallPriority, CloudPorts, EcsPort, ForwardRef, LoadBalancingPort, DnsPort, MetricsPort, ScalingPort, RegistryPort } from '../ports.js';
import { DESCRIBE_LISTENERS_BATCH, SCALABLE_TARGETS_PAGE } from '../aws/limits.js';
import type { CallBudget } from './call-budget.js';
import type { BudgetService } from './rates.js';

/** Requests of at most `size` items each. */
const requests = (items: number, size: number): number => Math.ceil(items / size);

export function budgetedPorts(ports: CloudPorts, budget: CallBudget, region: string | undefined, priority: CallPriority): CloudPorts {
  const take = (service: BudgetService, api: string, count = 1): Promise<void> => budget.acquire(service, region, api, priority, count);
  const charge = (service: BudgetService, api: string, count = 1): void => budget.charge(service, region, api, count);
  const refund = (service: BudgetService, api: string, count = 1): void => budget.refund(service, region, api, count);
  return {
    ecs: ecsPort(ports.ecs, take, charge),
    lb: lbPort(ports.lb, take, refund),
    dns: dnsPort(ports.dns, take, refund),
    metrics: metricsPort(ports.metrics, take),
    scaling: scalingPort(ports.scaling, take),
    http: ports.http,
    registry: registryPort(ports.registry, take),
  };
}

type Take = (service: BudgetService, api: string, count?: number) => Promise<void>;
type Adjust = (service: BudgetService, api: string, count?: number) => void;

function ecsPort(ecs: EcsPort, take: Take, charge: Adjust): EcsPort {
  return {
    async describeServices(cluster, services) {
      await take('ecs', 'DescribeServices', requests(services.length, 10));
      return ecs.describeServices(cluster, services);
    },
    async updateService(input) {
      await take('ecs', 'UpdateService');
      return ecs.updateService(input);
    },
    async describeTaskDefinition(ref) {
      await take('ecs', 'DescribeTaskDefinition');
      return ecs.describeTaskDefinition(ref);
    },
    async registerTaskDefinitionFrom(base, change, tags) {
      await take('ecs', 'DescribeTaskDefinition');
      await take('ecs', 'RegisterTaskDefinition');
      return ecs.registerTaskDefinitionFrom(base, change, tags);
    },
    async findTaskDefinition(family, tags, options) {
      // A list, then one describe per revision until one carries the tags: the first is paced,
      // the rest are charged after (all of them when none matched).
      await take('ecs', 'ListTaskDefinitions');
      await take('ecs', 'DescribeTaskDefinition');
      const found = await ecs.findTaskDefinition(family, tags, options);
      if (!found) charge('ecs', 'DescribeTaskDefinition', options.limit - 1);
      return found;
    },
    async listStoppedTasks(cluster, service, options) {
      await take('ecs', 'ListTasks');
      const tasks = await ecs.listStoppedTasks(cluster, service, options);
      charge('ecs', 'DescribeTasks', requests(tasks.length, 100));
      return tasks;
    },
    async runTask(input) {
      await take('ecs', 'RunTask');
      return ecs.runTask(input);
    },
    async describeTasks(cluster, taskArns) {
      await take('ecs', 'DescribeTasks', requests(taskArns.length, 100));
      return ecs.describeTasks(cluster, taskArns);
    },
    async stopTask(cluster, taskArn, reason) {
      await take('ecs', 'StopTask');
      return ecs.stopTask(cluster, taskArn, reason);
    },
  };
}

const readOf = (ref: ForwardRef): string => (ref.ruleArn !== undefined ? 'DescribeRules' : 'DescribeListeners');
const writeOf = (ref: ForwardRef): string => (ref.ruleArn !== undefined ? 'ModifyRule' : 'ModifyListener');

function lbPort(lb: LoadBalancingPort, take: Take, refund: Adjust): LoadBalancingPort {
  const readMany = lb.readWeightsMany?.bind(lb);
  return {
    async readWeights(ref) {
      await take('elbv2', readOf(ref));
      return lb.readWeights(ref);
    },
    // Joined reads: one DescribeListeners or DescribeRules request per DESCRIBE_LISTENERS_BATCH ARNs.
    ...(readMany
      ? {
          async readWeightsMany(refs: readonly ForwardRef[]) {
            const listeners = refs.filter((r) => r.listenerArn !== undefined).length;
            if (listeners > 0) await take('elbv2', 'DescribeListeners', requests(listeners, DESCRIBE_LISTENERS_BATCH));
            if (refs.length > listeners) await take('elbv2', 'DescribeRules', requests(refs.length - listeners, DESCRIBE_LISTENERS_BATCH));
            return readMany(refs);
          },
        }
      : {}),
    async setWeights(ref, weights) {
      // Read, then write only if the weights differ: the write is paced before, given back if unneeded.
      await take('elbv2', readOf(ref));
      await take('elbv2', writeOf(ref));
      const result = await lb.setWeights(ref, weights);
      if (result === 'unchanged') refund('elbv2', writeOf(ref));
      return result;
    },
    async describeTargetHealth(arn) {
      await take('elbv2', 'DescribeTargetHealth');
      return lb.describeTargetHealth(arn);
    },
    async describeTargetGroups(arns) {
      await take('elbv2', 'DescribeTargetGroups');
      return lb.describeTargetGroups(arns);
    },
  };
}

function dnsPort(dns: DnsPort, take: Take, refund: Adjust): DnsPort {
  return {
    async readWeightedRecords(key) {
      await take('route53', 'ListResourceRecordSets');
      return dns.readWeightedRecords(key);
    },
    async setWeights(key, weights) {
      await take('route53', 'ListResourceRecordSets');
      await take('route53', 'ChangeResourceRecordSets');
      const out = await dns.setWeights(key, weights);
      if (out.result === 'unchanged') refund('route53', 'ChangeResourceRecordSets');
      return out;
    },
    async getChangeStatus(changeId) {
      await take('route53', 'GetChange');
      return dns.getChangeStatus(changeId);
    },
  };
}

function metricsPort(metrics: MetricsPort, take: Take): MetricsPort {
  return {
    async getMetricData(queries, range) {
      await take('cloudwatch', 'GetMetricData');
      return metrics.getMetricData(queries, range);
    },
    async describeAlarms(names) {
      await take('cloudwatch', 'DescribeAlarms', requests(names.length, 100));
      return metrics.describeAlarms(names);
    },
  };
}

function scalingPort(scaling: ScalingPort, take: Take): ScalingPort {
  const describeMany = scaling.describeScalableTargets?.bind(scaling);
  return {
    async describeScalableTarget(cluster, service) {
      await take('autoscaling', 'DescribeScalableTargets');
      return scaling.describeScalableTarget(cluster, service);
    },
    // Joined reads: one DescribeScalableTargets request per SCALABLE_TARGETS_PAGE services.
    ...(describeMany
      ? {
          async describeScalableTargets(services: readonly { cluster: string; service: string }[]) {
            await take('autoscaling', 'DescribeScalableTargets', requests(services.length, SCALABLE_TARGETS_PAGE));
            return describeMany(services);
          },
        }
      : {}),
    async putScalingPolicy(cluster, service, input) {
      await take('autoscaling', 'PutScalingPolicy');
      return scaling.putScalingPolicy(cluster, service, input);
    },
    async putScheduledAction(cluster, service, input) {
      await take('autoscaling', 'PutScheduledAction');
      return scaling.putScheduledAction(cluster, service, input);
    },
    async describeScalingActivities(cluster, service, options) {
      await take('autoscaling', 'DescribeScalingActivities');
      return scaling.describeScalingActivities(cluster, service, options);
    },
  };
}

function registryPort(registry: RegistryPort, take: Take): RegistryPort {
  return {
    async describeImageByTag(repository, tag, registryId) {
      await take('ecr', 'DescribeImages');
      return registry.describeImageByTag(repository, tag, registryId);
    },
  };
}
