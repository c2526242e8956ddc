// Checks that a schema-valid world holds together: names are unique and every reference
// (task definition, target group, listener, rule, record, service, manifest file) resolves.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '../api/duration.js';
import type { ManifestProblem } from '../api/problem.js';
import { normalizeRecordName } from './arns.js';
import { settingsProblems } from './ecs-deployment-config.js';
import { checkTimelineActions } from './timeline-check.js';
import { checkScaling } from './world-check-scaling.js';
import type { SimWorld, WorldEntryRef, WorldService } from './world.js';

type Path = (string | number)[];
type Report = (path: Path, message: string) => ManifestProblem;

export function checkWorld(world: SimWorld, report: Report, baseDir: string): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const fail = (path: Path, message: string): void => void problems.push(report(path, message));
  const clusters = new Set(world.clusters);
  const taskDefinitions = new Set<string>();
  world.taskDefinitions.forEach((td, i) => {
    const ref = `${td.family}:${td.revision}`;
    if (taskDefinitions.has(ref)) fail(['taskDefinitions', i], `${ref} is defined twice`);
    taskDefinitions.add(ref);
  });
  const targetGroups = new Set(world.targetGroups.map((tg) => tg.arn));
  const listeners = new Set((world.listeners ?? []).map((l) => l.arn));
  const rules = new Set((world.rules ?? []).map((r) => r.arn));
  const records = new Set<string>();
  for (const zone of world.hostedZones ?? []) {
    zone.records.forEach((r) => records.add(`${zone.id}|${normalizeRecordName(r.name)}|${r.type}`));
  }
  const services = new Set<string>();
  world.services.forEach((svc, i) => {
    const key = `${svc.cluster}/${svc.name}`;
    if (services.has(key)) fail(['services', i, 'name'], `service ${key} is defined twice`);
    services.add(key);
    if (!clusters.has(svc.cluster)) fail(['services', i, 'cluster'], `cluster ${svc.cluster} is not in clusters`);
    if (!taskDefinitions.has(svc.taskDefinition)) fail(['services', i, 'taskDefinition'], `task definition ${svc.taskDefinition} is not in taskDefinitions`);
    if (svc.targetGroup && !targetGroups.has(svc.targetGroup)) fail(['services', i, 'targetGroup'], `target group ${svc.targetGroup} is not in targetGroups`);
    checkDeploymentSettings(world, svc, ['services', i], fail);
  });
  for (const kind of ['listeners', 'rules'] as const) {
    (world[kind] ?? []).forEach((f, i) =>
      f.forward.forEach((w, j) => {
        if (!targetGroups.has(w.targetGroupArn)) fail([kind, i, 'forward', j, 'targetGroupArn'], `target group ${w.targetGroupArn} is not in targetGroups`);
      }),
    );
  }
  const checkRef = (path: Path, ref: WorldEntryRef): void => {
    const given = [ref.listenerArn, ref.ruleArn, ref.record].filter((x) => x !== undefined).length;
    if (given !== 1) return fail(path, 'needs exactly one of listenerArn, ruleArn, record');
    if (ref.listenerArn && !listeners.has(ref.listenerArn)) fail([...path, 'listenerArn'], `listener ${ref.listenerArn} is not in listeners`);
    if (ref.ruleArn && !rules.has(ref.ruleArn)) fail([...path, 'ruleArn'], `rule ${ref.ruleArn} is not in rules`);
    const r = ref.record;
    if (r && !records.has(`${r.hostedZoneId}|${normalizeRecordName(r.recordName)}|${r.recordType}`)) {
      fail([...path, 'record'], `no records ${r.recordName} ${r.recordType} in hosted zone ${r.hostedZoneId}`);
    }
  };
  (world.traffic ?? []).forEach((t, i) => checkRef(['traffic', i], t));
  (world.endpoints ?? []).forEach((e, i) => checkRef(['endpoints', i], e));
  (world.alarms ?? []).forEach((a, i) => {
    if (a.targetGroup && !targetGroups.has(a.targetGroup)) fail(['alarms', i, 'targetGroup'], `target group ${a.targetGroup} is not in targetGroups`);
    if (a.period && parseDuration(a.period) % 60_000 !== 0) fail(['alarms', i, 'period'], 'must be a multiple of 60s');
  });
  (world.scalableTargets ?? []).forEach((t, i) => {
    if (!services.has(`${t.cluster}/${t.service}`)) fail(['scalableTargets', i, 'service'], `service ${t.cluster}/${t.service} is not in services`);
    if (t.minCapacity > t.maxCapacity) fail(['scalableTargets', i, 'minCapacity'], 'must not exceed maxCapacity');
    checkScaling(t, ['scalableTargets', i], { alarms: new Set((world.alarms ?? []).map((a) => a.name)), targetGroups: world.targetGroups.map((tg) => tg.arn) }, fail);
  });
  (world.faults ?? []).forEach((f, i) => {
    if (f.kind === 'revisionTurnsBad' && !taskDefinitions.has(f.taskDefinition)) fail(['faults', i, 'taskDefinition'], `task definition ${f.taskDefinition} is not in taskDefinitions`);
    if (f.kind === 'targetsUnhealthy' && !targetGroups.has(f.targetGroup)) fail(['faults', i, 'targetGroup'], `target group ${f.targetGroup} is not in targetGroups`);
  });
  (world.timeline ?? []).forEach((t, i) => {
    if (t.apply !== undefined && !existsSync(resolve(baseDir, t.apply))) fail(['timeline', i, 'apply'], `file ${t.apply} not found (relative to the world file)`);
  });
  problems.push(...checkTimelineActions(world, report, { clusters, services, taskDefinitions, targetGroups, listeners, rules }));
  return problems;
}

/**
 * A service's load balancer and deployment settings: the alarms named exist, the alternate
 * target group and the listener rules exist, and the production rule forwards to both target
 * groups (ECS Developer Guide, Application Load Balancer resources for blue/green deployments).
 */
function checkDeploymentSettings(world: SimWorld, svc: WorldService, at: Path, fail: (path: Path, message: string) => void): void {
  const targetGroups = new Set(world.targetGroups.map((tg) => tg.arn));
  const forwards = new Map([...(world.listeners ?? []), ...(world.rules ?? [])].map((f) => [f.arn, f.forward]));
  const lb = svc.loadBalancers?.[0];
  if (lb && svc.targetGroup) fail([...at, 'loadBalancers'], 'give either targetGroup or loadBalancers, not both');
  if (lb && !targetGroups.has(lb.targetGroupArn)) fail([...at, 'loadBalancers', 0, 'targetGroupArn'], `target group ${lb.targetGroupArn} is not in targetGroups`);
  const advanced = lb?.advancedConfiguration;
  if (lb && advanced) {
    const path: Path = [...at, 'loadBalancers', 0, 'advancedConfiguration'];
    if (!targetGroups.has(advanced.alternateTargetGroupArn)) fail([...path, 'alternateTargetGroupArn'], `target group ${advanced.alternateTargetGroupArn} is not in targetGroups`);
    if (advanced.alternateTargetGroupArn === lb.targetGroupArn) fail([...path, 'alternateTargetGroupArn'], 'must differ from the primary target group');
    for (const key of ['productionListenerRule', 'testListenerRule'] as const) {
      const arn = advanced[key];
      if (arn === undefined) continue;
      const forward = forwards.get(arn);
      if (!forward) fail([...path, key], `${arn} is not in rules or listeners`);
      else if (![lb.targetGroupArn, advanced.alternateTargetGroupArn].every((tg) => forward.some((w) => w.targetGroupArn === tg))) {
        fail([...path, key], 'must forward to both the primary and the alternate target group');
      }
    }
  }
  const settings = svc.deploymentConfiguration;
  if (!settings) return;
  const path: Path = [...at, 'deploymentConfiguration'];
  for (const problem of settingsProblems(settings, advanced !== undefined)) fail(path, problem);
  const alarms = new Set((world.alarms ?? []).map((a) => a.name));
  settings.alarms?.alarmNames.forEach((name, j) => {
    if (!alarms.has(name)) fail([...path, 'alarms', 'alarmNames', j], `alarm ${name} is not in alarms`);
  });
}
