// Out-of-band actions (what people and other AWS services do behind keelson's back: not
// counted as keelson's calls, never faulted) and inspection of the world for tests and reports.

import { CloudError } from '../cloud/errors.js';
import type {
  AlarmInfo,
  EcsService,
  EcsTask,
  ForwardRef,
  RecordKey,
  ScalableTarget,
  TargetGroupWeight,
  TargetHealth,
  WriteResult,
} from '../cloud/ports.js';
import type { UpdateServiceInput } from '../cloud/ports.js';
import { deleteService, deleteTargetGroup } from './deletions.js';
import type { ScalableTargetInput } from './scaling.js';
import type { SimState } from './state.js';
import type { TrafficStats } from './traffic-stats.js';
import type { WorldFault } from './world.js';

export interface OutOfBand {
  /** Someone ran `aws ecs update-service` (drift). */
  updateService(input: UpdateServiceInput): EcsService;
  /** Someone edited a listener's or rule's weights in the console. */
  setWeights(ref: ForwardRef, weights: readonly TargetGroupWeight[]): WriteResult;
  /** Someone changed Route53 weights by hand (the change propagates like any other). */
  setRecordWeights(key: RecordKey, weights: readonly { setIdentifier: string; weight: number }[]): { result: WriteResult; changeId?: string };
  /** Application Auto Scaling set the service's desiredCount. */
  setDesiredCount(cluster: string, service: string, desiredCount: number): void;
  registerScalableTarget(cluster: string, service: string, input: ScalableTargetInput): ScalableTarget;
  deregisterScalableTarget(cluster: string, service: string): boolean;
  /** Someone stopped a task (ECS replaces it if it belongs to a service). */
  stopTask(cluster: string, taskArn: string, reason?: string): void;
  /** Schedules another fault; `at` is relative to the simulator's start. */
  addFault(fault: WorldFault): void;
  /**
   * Someone ran `aws ecs delete-service`: refused with InvalidParameterException while the
   * service is scaled above 0, unless `force` (deletions.ts).
   */
  deleteService(cluster: string, service: string, options?: { force?: boolean }): void;
  /** Someone ran `aws elbv2 delete-target-group`: refused with ResourceInUse while forwarded to. */
  deleteTargetGroup(targetGroupArn: string): void;
  /** Logs what a person did that the world does not model itself (a manifest changed, a keelson operation). */
  recordAction(actor: string, action: string): void;
}

/** Counts of a service's live tasks, as the min/max-percent rules see them. */
export interface ServiceTaskCounts {
  /** Tasks not yet STOPPED (draining ones included): what maximumPercent limits. */
  total: number;
  pending: number;
  running: number;
  /** RUNNING, not being stopped, and healthy in the target group if there is one. */
  healthy: number;
  /** Being stopped (draining). */
  stopping: number;
  /** Healthy tasks per task definition `family:revision`. */
  healthyByRevision: Record<string, number>;
}

export interface Inspector {
  service(cluster: string, service: string): EcsService;
  /** Live tasks (not yet STOPPED) of a service, in start order. */
  tasks(cluster: string, service: string): EcsTask[];
  taskCounts(cluster: string, service: string): ServiceTaskCounts;
  weights(ref: ForwardRef): TargetGroupWeight[];
  /** Route53 weights as the API shows them. */
  recordWeights(key: RecordKey): { setIdentifier: string; weight: number }[];
  /** Route53 weights as clients act on them (after propagation and TTL). */
  effectiveWeights(key: RecordKey): { setIdentifier: string; weight: number }[];
  targetHealth(targetGroupArn: string): TargetHealth[];
  alarm(name: string): AlarmInfo | undefined;
  scalableTarget(cluster: string, service: string): ScalableTarget | undefined;
  traffic(): TrafficStats;
}

export function outOfBand(state: SimState, catchUp: () => number): OutOfBand {
  const by = 'out of band';
  return {
    updateService: (input) => state.ecs.describeService(state.ecs.update(input, catchUp(), by)),
    setWeights: (ref, weights) => state.elb.setWeights(ref, weights, catchUp(), by),
    setRecordWeights: (key, weights) => state.dns.setWeights(key, weights, catchUp(), by),
    setDesiredCount(cluster, service, desiredCount) {
      state.ecs.update({ cluster, service, desiredCount }, catchUp(), 'Application Auto Scaling');
    },
    registerScalableTarget: (cluster, service, input) => {
      const now = catchUp();
      state.ecs.service(cluster, service);
      return state.scaling.register(cluster, service, input, now);
    },
    deregisterScalableTarget: (cluster, service) => state.scaling.deregister(cluster, service, catchUp()),
    stopTask(cluster, taskArn, reason = 'Task stopped by user') {
      const now = catchUp();
      const task = state.ecs.tasks.get(taskArn);
      if (!task || task.cluster !== cluster) throw new CloudError('NotFound', `Task not found: ${taskArn}`, { service: 'ecs', awsCode: 'InvalidParameterException' });
      state.scheduler.stopTask(task, reason, now, 'UserInitiated');
    },
    addFault(fault) {
      catchUp();
      state.faults.add(fault);
    },
    deleteService: (cluster, service, options = {}) => deleteService(state, cluster, service, catchUp(), options.force ?? false),
    deleteTargetGroup: (targetGroupArn) => deleteTargetGroup(state, targetGroupArn, catchUp()),
    recordAction: (actor, action) => state.ctx.events.add(catchUp(), 'operator.action', actor, action),
  };
}

export function inspector(state: SimState, catchUp: () => number): Inspector {
  const ecs = state.ecs;
  const weightList = (m: Map<string, number>): { setIdentifier: string; weight: number }[] =>
    [...m.entries()].map(([setIdentifier, weight]) => ({ setIdentifier, weight }));
  return {
    service: (cluster, service) => (catchUp(), ecs.describeService(ecs.service(cluster, service))),
    tasks: (cluster, service) => (catchUp(), ecs.service(cluster, service).tasks.map((t) => ecs.describeTask(t))),
    taskCounts(cluster, service) {
      catchUp();
      const svc = ecs.service(cluster, service);
      const counts: ServiceTaskCounts = { total: svc.tasks.length, pending: 0, running: 0, healthy: 0, stopping: 0, healthyByRevision: {} };
      for (const t of svc.tasks) {
        if (t.lastStatus === 'RUNNING') counts.running++;
        else counts.pending++;
        if (t.desiredStatus === 'STOPPED') counts.stopping++;
        if (state.scheduler.isHealthy(svc, t)) {
          counts.healthy++;
          const rev = t.taskDefinitionArn.split('task-definition/')[1] ?? t.taskDefinitionArn;
          counts.healthyByRevision[rev] = (counts.healthyByRevision[rev] ?? 0) + 1;
        }
      }
      return counts;
    },
    weights: (ref) => (catchUp(), state.elb.readWeights(ref)),
    recordWeights: (key) => (catchUp(), state.dns.read(key).map((r) => ({ setIdentifier: r.setIdentifier, weight: r.weight }))),
    effectiveWeights: (key) => (catchUp(), weightList(state.dns.effectiveWeights(key))),
    targetHealth: (arn) => (catchUp(), state.elb.describeTargetHealth(arn)),
    alarm: (name) => (catchUp(), state.cloudwatch.describeAlarms([name])[0]),
    scalableTarget: (cluster, service) => (catchUp(), state.scaling.describe(cluster, service)),
    traffic: () => (catchUp(), state.ledger.snapshot()),
  };
}
