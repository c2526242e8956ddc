// Checks a world's timeline: one action per entry, and every cluster, service, task
// definition, ARN, record and set identifier it names exists in the world. Release names are
// checked later (checkTimelineReleases), once the Releases a run starts with are known.

import { readFileSync } from 'node:fs';
import { parseReleases } from '../api/load.js';
import type { ManifestProblem } from '../api/problem.js';
import { parseDuration } from '../api/duration.js';
import { normalizeRecordName } from './arns.js';
import { TIMELINE_ACTIONS, type SimWorld, type WorldTimelineEntry } from './world.js';

type Path = (string | number)[];
type Report = (path: Path, message: string) => ManifestProblem;

export interface WorldNames {
  clusters: Set<string>;
  /** `cluster/service`. */
  services: Set<string>;
  /** `family:revision`. */
  taskDefinitions: Set<string>;
  targetGroups: Set<string>;
  listeners: Set<string>;
  rules: Set<string>;
}

export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/** The one action of an entry (the check guarantees there is exactly one). */
export function actionOf(entry: WorldTimelineEntry): TimelineAction {
  return TIMELINE_ACTIONS.find((a) => entry[a] !== undefined) ?? 'apply';
}

export function checkTimelineActions(world: SimWorld, report: Report, names: WorldNames): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const fail = (path: Path, message: string): void => void problems.push(report(path, message));
  const recordSets = new Map<string, Set<string>>();
  for (const zone of world.hostedZones ?? []) {
    for (const r of zone.records) {
      const key = `${zone.id}|${normalizeRecordName(r.name)}|${r.type}`;
      recordSets.set(key, (recordSets.get(key) ?? new Set()).add(r.setIdentifier));
    }
  }
  const service = (path: Path, cluster: string, name: string): void => {
    if (!names.clusters.has(cluster)) fail([...path, 'cluster'], `cluster ${cluster} is not in clusters`);
    else if (!names.services.has(`${cluster}/${name}`)) fail([...path, 'service'], `service ${cluster}/${name} is not in services`);
  };
  (world.timeline ?? []).forEach((t, i) => {
    const at: Path = ['timeline', i];
    const given = TIMELINE_ACTIONS.filter((a) => t[a] !== undefined);
    if (given.length !== 1) return fail(at, `needs exactly one of ${TIMELINE_ACTIONS.join(', ')}${given.length > 1 ? ` (got ${given.join(', ')})` : ''}`);
    const action = given[0] as TimelineAction;
    if (action === 'operation') {
      if (t.release === undefined) fail([...at, 'release'], `is required with operation`);
      if (t.by === undefined) fail([...at, 'by'], 'is required with operation: an operation is recorded with the person who asked for it');
      if (t.full !== undefined && t.operation !== 'promote') fail([...at, 'full'], 'applies only to operation promote');
      if (t.revision !== undefined && t.operation !== 'approve') fail([...at, 'revision'], 'applies only to operation approve');
    } else {
      if (t.revision !== undefined) fail([...at, 'revision'], 'applies only to operation approve');
      if (t.release !== undefined) fail([...at, 'release'], 'applies only to operation');
      if (t.full !== undefined) fail([...at, 'full'], 'applies only to operation promote');
    }
    const u = t.updateService;
    if (u) {
      service([...at, 'updateService'], u.cluster, u.service);
      if (u.taskDefinition !== undefined && !names.taskDefinitions.has(u.taskDefinition)) fail([...at, 'updateService', 'taskDefinition'], `task definition ${u.taskDefinition} is not in taskDefinitions`);
      if (u.taskDefinition === undefined && u.desiredCount === undefined && !u.forceNewDeployment) fail([...at, 'updateService'], 'needs taskDefinition, desiredCount or forceNewDeployment');
    }
    const w = t.setWeights;
    if (w) {
      const path = [...at, 'setWeights'];
      if ((w.listenerArn === undefined) === (w.ruleArn === undefined)) fail(path, 'needs exactly one of listenerArn, ruleArn');
      else if (w.listenerArn !== undefined && !names.listeners.has(w.listenerArn)) fail([...path, 'listenerArn'], `listener ${w.listenerArn} is not in listeners`);
      else if (w.ruleArn !== undefined && !names.rules.has(w.ruleArn)) fail([...path, 'ruleArn'], `rule ${w.ruleArn} is not in rules`);
      w.forward.forEach((f, j) => {
        if (!names.targetGroups.has(f.targetGroupArn)) fail([...path, 'forward', j, 'targetGroupArn'], `target group ${f.targetGroupArn} is not in targetGroups`);
      });
    }
    const r = t.setRecordWeights;
    if (r) {
      const path = [...at, 'setRecordWeights'];
      const ids = recordSets.get(`${r.hostedZoneId}|${normalizeRecordName(r.recordName)}|${r.recordType}`);
      if (!ids) fail(path, `no records ${r.recordName} ${r.recordType} in hosted zone ${r.hostedZoneId}`);
      else r.weights.forEach((x, j) => {
        if (!ids.has(x.setIdentifier)) fail([...path, 'weights', j, 'setIdentifier'], `no ${r.recordName} ${r.recordType} record with set identifier ${x.setIdentifier}`);
      });
    }
    if (t.deleteService) service([...at, 'deleteService'], t.deleteService.cluster, t.deleteService.service);
    const tg = t.deleteTargetGroup?.targetGroupArn;
    if (tg !== undefined && !names.targetGroups.has(tg)) fail([...at, 'deleteTargetGroup', 'targetGroupArn'], `target group ${tg} is not in targetGroups`);
  });
  return problems;
}

/** The timeline in the order it is played: by `at`, entries at the same time in file order. */
export function timelineInOrder(world: SimWorld): { entry: WorldTimelineEntry; index: number; atMs: number }[] {
  return (world.timeline ?? []).map((entry, index) => ({ entry, index, atMs: parseDuration(entry.at) })).sort((a, b) => a.atMs - b.atMs || a.index - b.index);
}

/** Release names in a manifest file applied by the timeline (none if it cannot be read). */
export function releaseNamesIn(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseReleases(text, path).releases.flatMap((d) => (d.name ? [d.name] : []));
}

/**
 * Every Release a timeline deletes, restores or operates on must be one a run starts with or
 * one an earlier `apply` names.
 */
export function checkTimelineReleases(world: SimWorld, initial: Iterable<string>, report: Report): ManifestProblem[] {
  const known = new Set(initial);
  const problems: ManifestProblem[] = [];
  for (const { entry, index } of timelineInOrder(world)) {
    if (entry.apply !== undefined && entry.path) for (const name of releaseNamesIn(entry.path)) known.add(name);
    const named: [string, string | undefined][] = [['delete', entry.delete], ['restore', entry.restore], ['release', entry.operation !== undefined ? entry.release : undefined]];
    for (const [field, name] of named) {
      if (name !== undefined && !known.has(name)) {
        problems.push(report(['timeline', index, field], `release ${name} is not among the Releases the run starts with nor applied earlier in the timeline`));
      }
    }
  }
  return problems;
}
