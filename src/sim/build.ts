// Turns a world description into the simulated world as it stands at the start: every
// service's tasks RUNNING with healthy targets and a COMPLETED deployment, weights as written.

import { parseDuration } from '../api/duration.js';
import {
  isLoadBalancerArn,
  listenerOfRule,
  loadBalancerDimension,
  loadBalancerName,
  loadBalancerOfListener,
  targetGroupDimension,
  targetGroupName,
} from './arns.js';
import { CLOUDWATCH_DEFAULTS } from './cloudwatch.js';
import type { SimService } from './ecs-model.js';
import { TARGET_GROUP_DEFAULTS } from './elb.js';
import { resolveProfile } from './profiles.js';
import { ROUTE53_DEFAULTS } from './route53.js';
import { entryLabel, normalizeDnsName, type EntryRef } from './routing.js';
import { SimState } from './state.js';
import type { SimWorld, WorldAlarm, WorldEntryRef, WorldScalableTarget, WorldScalingPolicy, WorldService } from './world.js';
import type { ScalingPolicyInput } from '../cloud/ports.js';

export const WORLD_DEFAULTS = {
  seed: 1,
  account: '123456789012',
  region: 'us-east-1',
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  containerPort: 8080,
  alarmPeriod: '60s',
} as const;

export function buildState(world: SimWorld, start: number, seed: number): SimState {
  const state = new SimState({
    account: world.account ?? WORLD_DEFAULTS.account,
    region: world.region ?? WORLD_DEFAULTS.region,
    seed,
    start,
    changePropagationMs: parseDuration(world.route53?.changePropagation ?? `${ROUTE53_DEFAULTS.changePropagationMs / 1000}s`),
    publishZeroCounts: !(world.metrics?.omitZeroCounts ?? false),
    publicationDelayMs: world.metrics?.publicationDelay !== undefined ? parseDuration(world.metrics.publicationDelay) : CLOUDWATCH_DEFAULTS.publicationDelayMs,
  });
  for (const c of world.clusters) state.ecs.clusters.add(c);
  for (const td of world.taskDefinitions) state.ecs.addTaskDefinition({ family: td.family, revision: td.revision, containers: td.containers, profile: resolveProfile(td.profile) });
  for (const i of world.images ?? []) state.imageProfiles.set(i.image, resolveProfile(i.profile));
  for (const repo of world.repositories ?? []) state.registry.add(repo.name, repo.registryId, repo.images, start);
  buildLoadBalancing(world, state);
  buildDns(world, state);
  for (const svc of world.services) buildService(svc, state, start);
  for (const alarm of world.alarms ?? []) buildAlarm(alarm, state, start);
  for (const t of world.scalableTargets ?? []) buildScalableTarget(t, state, start);
  for (const f of world.faults ?? []) state.faults.add(f);
  for (const t of world.traffic ?? []) {
    const ref = entryRef(t);
    state.entries.push({ name: t.name ?? entryLabel(ref), ref, rps: t.rps, noise: t.noise ?? 0 });
  }
  for (const e of world.endpoints ?? []) state.endpoints.set(e.host.toLowerCase(), { host: e.host, ref: entryRef(e) });
  // Events tell what changed after the start, not how the world was set up.
  state.ctx.events.list.length = 0;
  return state;
}

export function entryRef(e: WorldEntryRef): EntryRef {
  if (e.listenerArn) return { listenerArn: e.listenerArn };
  if (e.ruleArn) return { ruleArn: e.ruleArn };
  if (e.record) return { record: e.record };
  throw new Error('an entry point needs one of listenerArn, ruleArn, record');
}

function buildLoadBalancing(world: SimWorld, state: SimState): void {
  const region = state.ctx.region;
  for (const tg of world.targetGroups) {
    state.elb.targetGroups.set(tg.arn, {
      arn: tg.arn,
      name: targetGroupName(tg.arn),
      loadBalancerArns: [],
      intervalMs: tg.healthCheck?.interval ? parseDuration(tg.healthCheck.interval) : TARGET_GROUP_DEFAULTS.intervalMs,
      healthyThreshold: tg.healthCheck?.healthyThreshold ?? TARGET_GROUP_DEFAULTS.healthyThreshold,
      unhealthyThreshold: tg.healthCheck?.unhealthyThreshold ?? TARGET_GROUP_DEFAULTS.unhealthyThreshold,
      deregistrationDelayMs: tg.deregistrationDelay ? parseDuration(tg.deregistrationDelay) : TARGET_GROUP_DEFAULTS.deregistrationDelayMs,
      targets: new Map(),
    });
  }
  const forwards = [
    ...(world.listeners ?? []).map((l) => ({ arn: l.arn, listenerArn: l.arn, forward: l.forward, map: state.elb.listeners })),
    ...(world.rules ?? []).map((r) => ({ arn: r.arn, listenerArn: listenerOfRule(r.arn), forward: r.forward, map: state.elb.rules })),
  ];
  const dnsNames = new Map((world.loadBalancers ?? []).filter((lb) => lb.dnsName).map((lb) => [lb.arn, lb.dnsName as string]));
  for (const f of forwards) {
    const loadBalancerArn = loadBalancerOfListener(f.listenerArn);
    f.map.set(f.arn, { arn: f.arn, listenerArn: f.listenerArn, loadBalancerArn, weights: f.forward.map((w) => ({ targetGroupArn: w.targetGroupArn, weight: w.weight })) });
    for (const w of f.forward) {
      const tg = state.elb.targetGroups.get(w.targetGroupArn);
      if (tg && !tg.loadBalancerArns.includes(loadBalancerArn)) tg.loadBalancerArns.push(loadBalancerArn);
    }
    // A record aliasing a load balancer reaches its first listener in the world file.
    if (f.map === state.elb.listeners && isLoadBalancerArn(loadBalancerArn)) {
      const dns = normalizeDnsName(dnsNames.get(loadBalancerArn) ?? defaultDnsName(loadBalancerArn, region));
      if (!state.listenerByDnsName.has(dns)) state.listenerByDnsName.set(dns, f.listenerArn);
    }
  }
}

/** `name-<number>.<region>.elb.amazonaws.com`, as AWS names an ALB. */
export function defaultDnsName(loadBalancerArn: string, region: string): string {
  const id = loadBalancerArn.split('/').pop() ?? '0';
  return `${loadBalancerName(loadBalancerArn)}-${parseInt(id.slice(0, 8), 16) || 0}.${region}.elb.amazonaws.com`;
}

function buildDns(world: SimWorld, state: SimState): void {
  for (const zone of world.hostedZones ?? []) {
    state.dns.zones.set(zone.id, zone.name);
    for (const r of zone.records) {
      state.dns.addRecord(
        { hostedZoneId: zone.id, recordName: r.name, recordType: r.type },
        {
          setIdentifier: r.setIdentifier,
          weight: r.weight,
          ...(r.ttl !== undefined ? { ttl: r.ttl } : {}),
          ...(r.values ? { values: r.values } : {}),
          ...(r.aliasTarget ? { aliasTarget: r.aliasTarget } : {}),
        },
      );
    }
  }
}

function buildService(w: WorldService, state: SimState, start: number): void {
  const td = state.ecs.taskDefinition(w.taskDefinition);
  const lb = w.loadBalancers?.[0];
  const targetGroupArn = lb?.targetGroupArn ?? w.targetGroup;
  const svc: SimService = {
    arn: state.ecs.serviceArn(w.cluster, w.name),
    cluster: w.cluster,
    name: w.name,
    desiredCount: w.desiredCount,
    minimumHealthyPercent: w.minimumHealthyPercent ?? WORLD_DEFAULTS.minimumHealthyPercent,
    maximumPercent: w.maximumPercent ?? WORLD_DEFAULTS.maximumPercent,
    ...(w.circuitBreaker ? { circuitBreaker: { ...w.circuitBreaker } } : {}),
    settings: structuredClone(w.deploymentConfiguration ?? {}),
    ...(targetGroupArn ? { targetGroupArn } : {}),
    ...(lb?.advancedConfiguration ? { advanced: { ...lb.advancedConfiguration } } : {}),
    containerName: lb?.containerName ?? w.containerName ?? td.containers[0]?.name ?? 'app',
    containerPort: lb?.containerPort ?? w.containerPort ?? td.containers[0]?.port ?? WORLD_DEFAULTS.containerPort,
    deployments: [],
    tasks: [],
    stopped: [],
  };
  state.ecs.services.set(state.ecs.serviceKey(w.cluster, w.name), svc);
  const deployment = state.ecs.newDeployment(svc, td.arn, start);
  // The world starts with production on the primary target group.
  if (targetGroupArn) deployment.targetGroupArn = targetGroupArn;
  deployment.rolloutState = 'COMPLETED';
  deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
  svc.lastCompleted = deployment;
  for (let i = 0; i < w.desiredCount; i++) {
    const task = state.ecs.createTask(w.cluster, td, start, { svc, deployment });
    task.lastStatus = 'RUNNING';
    task.startedAt = start;
    if (td.profile.crash) task.exitAt = start + td.profile.crash.afterMs;
    if (svc.targetGroupArn) {
      task.targetGroupArn = svc.targetGroupArn;
      state.elb.registerHealthy(svc.targetGroupArn, task.ip, svc.containerPort, start);
    }
  }
}

function buildAlarm(a: WorldAlarm, state: SimState, start: number): void {
  const dimensions: Record<string, string> = { ...(a.dimensions ?? {}) };
  if (a.targetGroup) {
    dimensions.TargetGroup = targetGroupDimension(a.targetGroup);
    const lb = state.elb.targetGroups.get(a.targetGroup)?.loadBalancerArns[0];
    if (lb) dimensions.LoadBalancer = loadBalancerDimension(lb);
  }
  if (a.loadBalancer) dimensions.LoadBalancer = loadBalancerDimension(a.loadBalancer);
  state.cloudwatch.alarms.set(a.name, {
    name: a.name,
    namespace: a.namespace ?? 'AWS/ApplicationELB',
    metricName: a.metricName,
    dimensions,
    stat: a.stat,
    periodSeconds: parseDuration(a.period ?? WORLD_DEFAULTS.alarmPeriod) / 1000,
    threshold: a.threshold,
    comparison: a.comparison,
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
    state: 'INSUFFICIENT_DATA',
    reason: 'Unchecked: Initial alarm creation',
    updatedAt: start,
  });
}

function buildScalableTarget(t: WorldScalableTarget, state: SimState, start: number): void {
  state.scaling.register(t.cluster, t.service, t, start);
  for (const p of t.policies ?? []) state.scaling.putPolicy(t.cluster, t.service, policyInput(p), start, p.stepScaling?.alarm);
  for (const a of t.scheduledActions ?? []) {
    state.scaling.putScheduledAction(
      t.cluster,
      t.service,
      {
        name: a.name,
        schedule: a.schedule,
        ...(a.timezone !== undefined ? { timezone: a.timezone } : {}),
        ...(a.startTime !== undefined ? { startTime: Date.parse(a.startTime) } : {}),
        ...(a.endTime !== undefined ? { endTime: Date.parse(a.endTime) } : {}),
        ...(a.minCapacity !== undefined ? { minCapacity: a.minCapacity } : {}),
        ...(a.maxCapacity !== undefined ? { maxCapacity: a.maxCapacity } : {}),
      },
      start,
    );
  }
}

const seconds = (d: string | undefined): number | undefined => (d === undefined ? undefined : parseDuration(d) / 1000);

/** A world file's policy in the port's (AWS's) shape. */
export function policyInput(p: WorldScalingPolicy): ScalingPolicyInput {
  if (p.stepScaling) {
    const s = p.stepScaling;
    const cooldownSeconds = seconds(s.cooldown);
    return {
      name: p.name,
      policy: {
        type: 'StepScaling',
        adjustmentType: s.adjustmentType,
        stepAdjustments: s.stepAdjustments.map((a) => ({ ...a })),
        ...(s.minAdjustmentMagnitude !== undefined ? { minAdjustmentMagnitude: s.minAdjustmentMagnitude } : {}),
        ...(cooldownSeconds !== undefined ? { cooldownSeconds } : {}),
        ...(s.metricAggregationType !== undefined ? { metricAggregationType: s.metricAggregationType } : {}),
      },
    };
  }
  const tt = p.targetTracking;
  if (!tt) throw new Error(`policy ${p.name} needs targetTracking or stepScaling`);
  const out = seconds(tt.scaleOutCooldown);
  const inn = seconds(tt.scaleInCooldown);
  return {
    name: p.name,
    policy: {
      type: 'TargetTrackingScaling',
      targetValue: tt.targetValue,
      ...(tt.predefinedMetric ? { predefinedMetric: { type: tt.predefinedMetric, ...(tt.resourceLabel !== undefined ? { resourceLabel: tt.resourceLabel } : {}) } } : {}),
      ...(tt.customizedMetric ? { customizedMetric: { ...tt.customizedMetric, dimensions: { ...(tt.customizedMetric.dimensions ?? {}) } } } : {}),
      ...(out !== undefined ? { scaleOutCooldownSeconds: out } : {}),
      ...(inn !== undefined ? { scaleInCooldownSeconds: inn } : {}),
      ...(tt.disableScaleIn !== undefined ? { disableScaleIn: tt.disableScaleIn } : {}),
    },
  };
}
