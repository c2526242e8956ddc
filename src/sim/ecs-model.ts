// ECS state: task definitions, services with their deployments, and tasks. The per-tick
// behaviour (tasks starting and crashing, rolling replacement, circuit breaker) lives in
// ecs-scheduler.ts; this module holds the state and answers the API's questions about it.

import { CloudError } from '../cloud/errors.js';
import type {
  DeploymentSettings,
  EcsDeployment,
  EcsService,
  EcsTask,
  LoadBalancerAdvancedConfiguration,
  RolloutState,
  TaskDefinition,
  UpdateServiceInput,
} from '../cloud/ports.js';
import type { SimContext } from './context.js';
import { checkSettings, isTrafficShifting, strategyOf } from './ecs-deployment-config.js';
import type { Profile } from './profiles.js';
import type { WorldContainer } from './world.js';

export interface SimTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  containers: WorldContainer[];
  profile: Profile;
  tags?: Record<string, string>;
}

export interface SimDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinitionArn: string;
  desiredCount: number;
  failedTasks: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  createdAt: number;
  updatedAt: number;
  /** The service's deployment settings when it started: a later UpdateService does not change them. */
  settings: DeploymentSettings;
  /** The target group its tasks register in (blue/green family: the one production does not use). */
  targetGroupArn?: string;
  /** When its first task reached RUNNING: deployment alarms are watched from then on. */
  firstRunningAt?: number;
  /** Rolling update with deployment alarms: when the bake after steady state ends. */
  alarmBakeEndsAt?: number;
  /** A rollback to this deployment is under way: alarms do not fail it again. */
  rollingBack?: boolean;
  /** BLUE_GREEN, CANARY, LINEAR: where the traffic shift stands. */
  shift?: TrafficShift;
}

/** Lifecycle stages of the blue/green family that take time (ECS ServiceDeployment.lifecycleStage). */
export type LifecycleStage = 'SCALE_UP' | 'TEST_TRAFFIC_SHIFT' | 'PRODUCTION_TRAFFIC_SHIFT' | 'BAKE_TIME' | 'CLEAN_UP';

export interface TrafficShift {
  stage: LifecycleStage;
  /** The deployment serving production when this one started (blue); absent when there was none. */
  blueId?: string;
  /** Green's share of production traffic now, in percent. */
  percent: number;
  /** Index of the next production traffic step. */
  nextStep: number;
  nextShiftAt?: number;
  bakeEndsAt?: number;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPED';

export interface SimTask {
  arn: string;
  cluster: string;
  /** Service name; absent for one-off tasks (runTask). */
  service?: string;
  deploymentId?: string;
  taskDefinitionArn: string;
  /** `family:revision`. */
  revision: string;
  profile: Profile;
  /** Private IP: the target id in the target group. */
  ip: string;
  createdAt: number;
  pendingAt: number;
  runningAt: number;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedAt?: number;
  /** When the container exits on its own (crash, or a one-off task finishing). */
  exitAt?: number;
  /** When a stop asked for by the scheduler completes (after deregistration). */
  stopAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number | null;
  containerReason?: string;
  /** Registered in this target group while RUNNING. */
  targetGroupArn?: string;
}

export interface SimService {
  arn: string;
  cluster: string;
  name: string;
  desiredCount: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /** Alarms and strategy, as last set (CreateService / UpdateService). */
  settings: DeploymentSettings;
  /** The primary target group (loadBalancers[0].targetGroupArn). */
  targetGroupArn?: string;
  /** Blue/green family: the alternate target group and the listener rules ECS moves. */
  advanced?: LoadBalancerAdvancedConfiguration;
  containerName: string;
  containerPort: number;
  /** PRIMARY first. */
  deployments: SimDeployment[];
  lastCompleted?: SimDeployment;
  /** Tasks not yet STOPPED, in creation order. */
  tasks: SimTask[];
  /** Recently stopped tasks, oldest first (bounded). */
  stopped: SimTask[];
  /** Set once the service is deleted (DeleteService); absent while ACTIVE. */
  status?: 'DRAINING' | 'INACTIVE';
}

const STOPPED_KEPT = 200;
const STOPPED_VISIBLE_MS = 3_600_000;

export class EcsModel {
  readonly taskDefinitions = new Map<string, SimTaskDefinition>();
  readonly services = new Map<string, SimService>();
  readonly clusters = new Set<string>();
  /** Every task ever started, by ARN (one-off tasks too). */
  readonly tasks = new Map<string, SimTask>();
  /** One-off tasks not yet stopped. */
  readonly jobs: SimTask[] = [];
  /** RunTask client tokens by `cluster token`: the request they came with and the task it started. */
  readonly runTaskTokens = new Map<string, { request: string; taskArn: string; at: number }>();
  /** Tasks by private IP (the target id), most recent first wins. */
  readonly byIp = new Map<string, SimTask>();
  private ipCounter = 10;

  constructor(private readonly ctx: SimContext) {}

  taskDefinitionArn(family: string, revision: number): string {
    return `arn:aws:ecs:${this.ctx.region}:${this.ctx.account}:task-definition/${family}:${revision}`;
  }

  addTaskDefinition(td: Omit<SimTaskDefinition, 'arn'>): SimTaskDefinition {
    const full = { ...td, arn: this.taskDefinitionArn(td.family, td.revision) };
    this.taskDefinitions.set(full.arn, full);
    return full;
  }

  /** `family`, `family:revision` or an ARN. */
  findTaskDefinition(ref: string): SimTaskDefinition | undefined {
    const name = ref.startsWith('arn:') ? ref.split('task-definition/')[1] ?? '' : ref;
    const [family, revision] = name.split(':');
    if (revision !== undefined) return this.taskDefinitions.get(this.taskDefinitionArn(family ?? '', Number(revision)));
    let latest: SimTaskDefinition | undefined;
    for (const td of this.taskDefinitions.values()) {
      if (td.family === family && (!latest || td.revision > latest.revision)) latest = td;
    }
    return latest;
  }

  taskDefinition(ref: string): SimTaskDefinition {
    const td = this.findTaskDefinition(ref);
    if (!td) throw new CloudError('NotFound', `Unable to describe task definition ${ref}.`, { service: 'ecs', awsCode: 'ClientException' });
    return td;
  }

  /** A new revision of base's family with one container's image replaced. */
  registerFrom(base: SimTaskDefinition, container: string, image: string, profile: Profile, now: number, tags: Record<string, string> = {}): SimTaskDefinition {
    if (!base.containers.some((c) => c.name === container)) {
      throw new CloudError('Invalid', `Container ${container} is not in ${shortTd(base.arn)}`, { service: 'ecs', awsCode: 'ClientException' });
    }
    let revision = 0;
    for (const td of this.taskDefinitions.values()) if (td.family === base.family) revision = Math.max(revision, td.revision);
    const td = this.addTaskDefinition({
      family: base.family,
      revision: revision + 1,
      containers: base.containers.map((c) => (c.name === container ? { ...c, image } : { ...c })),
      profile,
      ...(base.tags || Object.keys(tags).length > 0 ? { tags: { ...base.tags, ...tags } } : {}),
    });
    this.ctx.events.add(now, 'taskDefinition.registered', base.family, `${shortTd(td.arn)} ${container}=${image}`);
    return td;
  }

  /** ARNs of a family's revisions, newest first, as ListTaskDefinitions with sort DESC lists them. */
  revisionsOf(family: string, limit: number): string[] {
    return [...this.taskDefinitions.values()]
      .filter((td) => td.family === family)
      .sort((a, b) => b.revision - a.revision)
      .slice(0, limit)
      .map((td) => td.arn);
  }

  serviceKey(cluster: string, service: string): string {
    const name = service.startsWith('arn:') ? service.split('/').pop() ?? service : service;
    return `${cluster}/${name}`;
  }

  findService(cluster: string, service: string): SimService | undefined {
    return this.services.get(this.serviceKey(cluster, service));
  }

  service(cluster: string, service: string): SimService {
    this.requireCluster(cluster);
    const svc = this.findService(cluster, service);
    if (!svc) throw new CloudError('NotFound', `Service not found: ${cluster}/${service}`, { service: 'ecs', awsCode: 'ServiceNotFoundException' });
    return svc;
  }

  requireCluster(cluster: string): void {
    const name = cluster.startsWith('arn:') ? cluster.split('/').pop() ?? cluster : cluster;
    if (!this.clusters.has(name)) throw new CloudError('NotFound', `Cluster not found: ${cluster}`, { service: 'ecs', awsCode: 'ClusterNotFoundException' });
  }

  serviceArn(cluster: string, name: string): string {
    return `arn:aws:ecs:${this.ctx.region}:${this.ctx.account}:service/${cluster}/${name}`;
  }

  newDeployment(svc: SimService, taskDefinitionArn: string, now: number, reason = '', note = ''): SimDeployment {
    for (const d of svc.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    const deployment: SimDeployment = {
      id: `ecs-svc/${String(this.ctx.ids.int(9e9)).padStart(10, '0')}${String(this.ctx.ids.int(1e9)).padStart(9, '0')}`,
      status: 'PRIMARY',
      taskDefinitionArn,
      desiredCount: svc.desiredCount,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: reason || 'ECS deployment in progress.',
      createdAt: now,
      updatedAt: now,
      settings: structuredClone(svc.settings),
      ...(this.targetGroupFor(svc) ? { targetGroupArn: this.targetGroupFor(svc) as string } : {}),
    };
    svc.deployments.unshift(deployment);
    const why = [reason, note].filter(Boolean).join('; ');
    this.ctx.events.add(now, 'deployment.created', svc.name, `${deployment.id} ${shortTd(taskDefinitionArn)}${why ? ` (${why})` : ''}`);
    return deployment;
  }

  /** Production is on the last COMPLETED deployment's target group; the blue/green family starts green on the other one. */
  targetGroupFor(svc: SimService): string | undefined {
    const production = svc.lastCompleted?.targetGroupArn ?? svc.targetGroupArn;
    if (!svc.advanced || !isTrafficShifting(strategyOf(svc.settings))) return production;
    return production === svc.advanced.alternateTargetGroupArn ? svc.targetGroupArn : svc.advanced.alternateTargetGroupArn;
  }

  /**
   * Blue/green family: rolls back to blue, the last COMPLETED deployment, still running. It
   * becomes PRIMARY again and goes from COMPLETED to IN_PROGRESS, so it is not eligible for
   * another rollback until it completes (ECS Developer Guide, deployment failure detection).
   * False when there is none to go back to.
   */
  rollBack(svc: SimService, failed: SimDeployment, why: string, now: number): boolean {
    const target = svc.lastCompleted;
    if (!target || target === failed || target.rolloutState !== 'COMPLETED') return false;
    for (const d of svc.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    svc.deployments = [target, ...svc.deployments.filter((d) => d !== target)];
    target.status = 'PRIMARY';
    target.rolloutState = 'IN_PROGRESS';
    target.rolloutStateReason = `${why}: rolling back to deploymentId ${target.id}.`;
    target.desiredCount = svc.desiredCount;
    target.rollingBack = true;
    delete target.shift;
    target.updatedAt = now;
    this.ctx.events.add(now, 'deployment.rollback', svc.name, `${failed.id} ${shortTd(failed.taskDefinitionArn)} -> ${target.id} ${shortTd(target.taskDefinitionArn)} (${why})`);
    return true;
  }

  /**
   * UpdateService: a new deployment only for a different task definition or a forced one;
   * a desiredCount alone scales the PRIMARY deployment; deployment configuration alone starts
   * none and applies to the deployments that start after it.
   */
  update(input: UpdateServiceInput, now: number, by = 'api'): SimService {
    const svc = this.service(input.cluster, input.service);
    // A deleted service cannot be updated (UpdateService: ServiceNotActiveException).
    if (svc.status) throw new CloudError('NotFound', `Service ${svc.name} is ${svc.status}, not ACTIVE`, { service: 'ecs', awsCode: 'ServiceNotActiveException' });
    if (input.desiredCount !== undefined) {
      if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0) {
        throw new CloudError('Invalid', `desiredCount must be a whole number (got ${input.desiredCount})`, { service: 'ecs', awsCode: 'InvalidParameterException' });
      }
    }
    const td = input.taskDefinition !== undefined ? this.taskDefinition(input.taskDefinition) : undefined;
    if (input.deploymentConfiguration) this.configure(svc, input.deploymentConfiguration);
    if (input.desiredCount !== undefined && input.desiredCount !== svc.desiredCount) {
      this.ctx.events.add(now, 'service.scaled', svc.name, `desiredCount ${svc.desiredCount} -> ${input.desiredCount}${by === 'api' ? '' : ` (${by})`}`);
      svc.desiredCount = input.desiredCount;
      this.primary(svc).desiredCount = input.desiredCount;
    }
    const primary = this.primary(svc);
    if ((td && td.arn !== primary.taskDefinitionArn) || input.forceNewDeployment) {
      this.newDeployment(svc, td?.arn ?? primary.taskDefinitionArn, now, '', by === 'api' ? '' : by);
    }
    return svc;
  }

  private configure(svc: SimService, given: NonNullable<UpdateServiceInput['deploymentConfiguration']>): void {
    const { minimumHealthyPercent, maximumPercent, circuitBreaker, ...rest } = given;
    const settings: DeploymentSettings = { ...svc.settings, ...structuredClone(rest) };
    checkSettings(settings, svc.advanced !== undefined);
    const percent = (name: string, v: number | undefined, min: number, max: number): void => {
      if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
        throw new CloudError('Invalid', `${name} must be a whole number from ${min} to ${max} (got ${v})`, { service: 'ecs', awsCode: 'InvalidParameterException' });
      }
    };
    percent('minimumHealthyPercent', minimumHealthyPercent, 0, 100);
    percent('maximumPercent', maximumPercent, 100, 200);
    svc.settings = settings;
    if (minimumHealthyPercent !== undefined) svc.minimumHealthyPercent = minimumHealthyPercent;
    if (maximumPercent !== undefined) svc.maximumPercent = maximumPercent;
    if (circuitBreaker) svc.circuitBreaker = { ...circuitBreaker };
  }

  primary(svc: SimService): SimDeployment {
    return svc.deployments[0] as SimDeployment;
  }

  /** A task in PROVISIONING; it reaches RUNNING after its profile's start-up time. */
  createTask(cluster: string, td: SimTaskDefinition, now: number, owner?: { svc: SimService; deployment: SimDeployment }): SimTask {
    const n = this.ipCounter++;
    const startup = td.profile.startupMs;
    const task: SimTask = {
      arn: `arn:aws:ecs:${this.ctx.region}:${this.ctx.account}:task/${cluster}/${this.ctx.ids.hex(32)}`,
      cluster,
      ...(owner ? { service: owner.svc.name, deploymentId: owner.deployment.id } : {}),
      taskDefinitionArn: td.arn,
      revision: `${td.family}:${td.revision}`,
      profile: td.profile,
      ip: `10.0.${Math.floor(n / 250) % 256}.${(n % 250) + 4}`,
      createdAt: now,
      pendingAt: now + Math.min(5_000, Math.floor(startup / 4)),
      runningAt: now + startup,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
    };
    this.tasks.set(task.arn, task);
    this.byIp.set(task.ip, task);
    if (owner) owner.svc.tasks.push(task);
    else this.jobs.push(task);
    return task;
  }

  /** Moves a task to STOPPED and out of its service's live list. */
  finishStop(task: SimTask, now: number): void {
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppedAt = now;
    if (task.exitCode === undefined) task.exitCode = task.startedAt === undefined ? null : 0;
    const svc = task.service ? this.findService(task.cluster, task.service) : undefined;
    const list = svc ? svc.tasks : this.jobs;
    const i = list.indexOf(task);
    if (i >= 0) list.splice(i, 1);
    if (svc) {
      svc.stopped.push(task);
      if (svc.stopped.length > STOPPED_KEPT) svc.stopped.shift();
    }
    const subject = task.service ?? `${task.cluster} (one-off)`;
    this.ctx.events.add(now, 'task.stopped', subject, `${taskId(task.arn)} ${shortTd(task.taskDefinitionArn)}: ${task.stoppedReason ?? 'stopped'}${task.exitCode != null ? ` (exit ${task.exitCode})` : ''}`);
  }

  // ------------------------------------------------------------ views in the ports' shapes

  describeService(svc: SimService): EcsService {
    const primary = this.primary(svc);
    return {
      arn: svc.arn,
      name: svc.name,
      cluster: svc.cluster,
      status: svc.status ?? 'ACTIVE',
      taskDefinition: primary.taskDefinitionArn,
      desiredCount: svc.desiredCount,
      runningCount: svc.tasks.filter((t) => t.lastStatus === 'RUNNING').length,
      pendingCount: svc.tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
      deployments: svc.deployments.map((d) => this.describeDeployment(svc, d)),
      loadBalancers: svc.targetGroupArn
        ? [
            {
              targetGroupArn: svc.targetGroupArn,
              containerName: svc.containerName,
              containerPort: svc.containerPort,
              ...(svc.advanced ? { advancedConfiguration: { ...svc.advanced } } : {}),
            },
          ]
        : [],
      deploymentConfiguration: {
        minimumHealthyPercent: svc.minimumHealthyPercent,
        maximumPercent: svc.maximumPercent,
        ...(svc.circuitBreaker ? { circuitBreaker: { ...svc.circuitBreaker } } : {}),
        ...structuredClone(svc.settings),
      },
    };
  }

  private describeDeployment(svc: SimService, d: SimDeployment): EcsDeployment {
    const own = svc.tasks.filter((t) => t.deploymentId === d.id);
    return {
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinitionArn,
      // ECS lowers an old deployment's desired count as its tasks are replaced.
      desiredCount: d.status === 'PRIMARY' ? d.desiredCount : own.filter((t) => t.desiredStatus === 'RUNNING').length,
      runningCount: own.filter((t) => t.lastStatus === 'RUNNING').length,
      pendingCount: own.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
      failedTasks: d.failedTasks,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    };
  }

  describeTaskDefinition(td: SimTaskDefinition, withTags = false): TaskDefinition {
    return {
      ...(withTags ? { tags: { ...td.tags } } : {}),
      arn: td.arn,
      family: td.family,
      revision: td.revision,
      status: 'ACTIVE',
      containers: td.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ...(c.environment?.length ? { environment: c.environment.map((e) => ({ ...e })) } : {}),
        ...(c.secrets?.length ? { secrets: c.secrets.map((s) => ({ ...s })) } : {}),
        ...(c.logConfiguration ? { logConfiguration: structuredClone(c.logConfiguration) } : {}),
      })),
    };
  }

  describeTask(task: SimTask): EcsTask {
    const td = this.taskDefinitions.get(task.taskDefinitionArn);
    const stopped = task.lastStatus === 'STOPPED';
    return {
      arn: task.arn,
      taskDefinition: task.taskDefinitionArn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
      ...(task.stoppedAt !== undefined ? { stoppedAt: task.stoppedAt } : {}),
      ...(task.stopCode ? { stopCode: task.stopCode } : {}),
      ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
      containers: (td?.containers ?? []).map((c, i) => ({
        name: c.name,
        exitCode: stopped ? (task.exitCode ?? null) : null,
        ...(i === 0 && task.containerReason ? { reason: task.containerReason } : {}),
      })),
    };
  }

  /** Stopped tasks of a service still visible (ECS shows them for about an hour), newest first. */
  stoppedTasks(svc: SimService, now: number, since = 0, limit = 100): SimTask[] {
    const from = Math.max(since, now - STOPPED_VISIBLE_MS);
    return svc.stopped
      .filter((t) => (t.stoppedAt ?? 0) >= from)
      .sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0) || (a.arn < b.arn ? -1 : 1))
      .slice(0, limit);
  }
}

export function shortTd(arn: string): string {
  return arn.split('task-definition/')[1] ?? arn;
}

export function taskId(arn: string): string {
  return arn.split('/').pop() ?? arn;
}
