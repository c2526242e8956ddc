// The metrics scaling policies act on, published per minute like the load balancer's:
// - AWS/ECS CPUUtilization and MemoryUtilization per service (ClusterName, ServiceName): one
//   sample per RUNNING task, in percent of the task's reservation, so Average is the service's
//   utilization and Minimum/Maximum its least and most busy task. A service with no RUNNING task
//   publishes nothing, as ECS does.
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
// - AWS/ApplicationELB RequestCountPerTarget per target group (TargetGroup, and TargetGroup with
//   LoadBalancer): the minute's requests divided by the healthy targets; its only statistic is
//   Sum, which is that average.
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html

import { loadBalancerDimension, targetGroupDimension } from './arns.js';
import type { EcsModel } from './ecs-model.js';
import type { ElbModel } from './elb.js';
import { MINUTE, type MetricStore } from './metrics.js';
import { NAMESPACE as ELB_NAMESPACE } from './traffic.js';

export const ECS_NAMESPACE = 'AWS/ECS';

export function serviceDimensions(cluster: string, service: string): Record<string, string> {
  return { ClusterName: cluster, ServiceName: service };
}

export class EcsUtilizationMetrics {
  /** Requests served this minute, by target id (task IP) and by target group. */
  private readonly byTarget = new Map<string, number>();
  private readonly byTargetGroup = new Map<string, number>();

  constructor(
    private readonly store: MetricStore,
    private readonly ecs: EcsModel,
    private readonly elb: ElbModel,
  ) {}

  /** Called by the traffic model for every batch of requests a target answered. */
  served(targetGroupArn: string, targetId: string, requests: number): void {
    this.byTarget.set(targetId, (this.byTarget.get(targetId) ?? 0) + requests);
    this.byTargetGroup.set(targetGroupArn, (this.byTargetGroup.get(targetGroupArn) ?? 0) + requests);
  }

  /** Samples the minute ending at `now`; call before the metric store closes that minute. */
  publish(now: number): void {
    const minuteStart = now - MINUTE;
    for (const svc of this.ecs.services.values()) {
      let cpu: ReturnType<MetricStore['define']> | undefined;
      let memory: ReturnType<MetricStore['define']> | undefined;
      for (const task of svc.tasks) {
        if (task.lastStatus !== 'RUNNING' || task.startedAt === undefined) continue;
        const seconds = (now - Math.max(minuteStart, task.startedAt)) / 1000;
        if (seconds <= 0) continue;
        const usage = task.profile.usage;
        const rps = (this.byTarget.get(task.ip) ?? 0) / seconds;
        // A task cannot use more than its reservation on Fargate.
        const cpuPercent = Math.min(100, usage.cpuIdle + usage.cpuPerRequest * rps);
        const dims = serviceDimensions(svc.cluster, svc.name);
        (cpu ??= this.store.define(ECS_NAMESPACE, 'CPUUtilization', dims, 'gauge')).sample(cpuPercent);
        (memory ??= this.store.define(ECS_NAMESPACE, 'MemoryUtilization', dims, 'gauge')).sample(Math.min(100, usage.memoryPercent));
      }
    }
    for (const tg of this.elb.targetGroups.values()) {
      let healthy = 0;
      for (const t of tg.targets.values()) if (t.state === 'healthy') healthy++;
      if (healthy === 0) continue;
      const perTarget = (this.byTargetGroup.get(tg.arn) ?? 0) / healthy;
      const group = targetGroupDimension(tg.arn);
      this.store.define(ELB_NAMESPACE, 'RequestCountPerTarget', { TargetGroup: group }, 'gauge').sample(perTarget);
      for (const lb of tg.loadBalancerArns) {
        this.store.define(ELB_NAMESPACE, 'RequestCountPerTarget', { TargetGroup: group, LoadBalancer: loadBalancerDimension(lb) }, 'gauge').sample(perTarget);
      }
    }
    this.byTarget.clear();
    this.byTargetGroup.clear();
  }
}
