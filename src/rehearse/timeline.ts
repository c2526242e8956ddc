// Plays a world's timeline: at each entry's time, what a person does — a manifest applied,
// removed or put back, a hand edit on AWS, a deletion, a keelson operation. The same player
// runs in a rehearsal (virtual time) and under `keelson run --cloud sim:WORLD` (the wall
// clock, maybe scaled), so both see the same actions at the same offsets.
import { readFile } from 'node:fs/promises';
import { isCloudError } from '../cloud/errors.js';
import type { CancelTimer, Clock } from '../runtime/clock.js';
import type { Simulator } from '../sim/simulator.js';
import { actionOf, timelineInOrder } from '../sim/timeline-check.js';
import type { SimWorld, WorldTimelineEntry } from '../sim/world.js';
import type { SourcedRelease } from '../sources/source.js';
import type { TimelineSource } from '../sources/timeline-source.js';
import type { OperationRequest } from '../store/store.js';

/** One thing the timeline did, for the rehearsal's timeline (TimelineLine without its times). */
export interface TimelineAction {
  release: string;
  kind: 'action' | 'apply' | 'problem';
  type: string;
  message: string;
}

export interface TimelineHost {
  sim: Simulator;
  source: TimelineSource;
  /** Asks for an operation the way `keelson promote|abort|retry` does. */
  requestOperation(release: string, kind: OperationRequest['kind'], by: string, revision?: string): Promise<unknown>;
  /** Whether the controller knows a Release of this name (an operation on another is refused). */
  knows(release: string): boolean;
  report(action: TimelineAction): void;
}

const SOMEONE = 'someone';

export class TimelinePlayer {
  private readonly pending: { entry: WorldTimelineEntry; atMs: number }[];

  constructor(
    world: SimWorld,
    private readonly host: TimelineHost,
  ) {
    this.pending = timelineInOrder(world).map(({ entry, atMs }) => ({ entry, atMs }));
  }

  /** Offset of the next entry not played yet. */
  get nextAt(): number | undefined {
    return this.pending[0]?.atMs;
  }

  /** Plays, in order, every entry due at `offsetMs` from the start. */
  async playDue(offsetMs: number): Promise<void> {
    while (this.pending[0] && this.pending[0].atMs <= offsetMs) {
      const { entry } = this.pending.shift()!;
      await this.play(entry);
    }
  }

  private async play(entry: WorldTimelineEntry): Promise<void> {
    const by = entry.by ?? SOMEONE;
    const { sim, source } = this.host;
    const action = actionOf(entry);
    const out = sim.outOfBand;
    // AWS actions: what the person ran, then what AWS answered.
    const aws = (type: string, what: string, run: () => void): void => {
      try {
        run();
        out.recordAction(by, what);
        this.host.report({ release: '', kind: 'action', type, message: `${what} (by ${by})` });
      } catch (err) {
        if (!isCloudError(err)) throw err;
        const code = err.details.awsCode ?? err.code;
        out.recordAction(by, `${what}: refused, ${code}`);
        this.host.report({ release: '', kind: 'action', type: 'Refused', message: `${what} (by ${by}): ${code}: ${err.message}` });
      }
    };
    switch (action) {
      case 'apply': {
        const text = await readFile(entry.path ?? entry.apply ?? '', 'utf8');
        const items = source.applyText(text, entry.apply ?? '');
        out.recordAction(by, `applied ${entry.apply}`);
        for (const item of items) this.host.report(applyLine(item, entry.apply ?? ''));
        return;
      }
      case 'updateService': {
        const u = entry.updateService!;
        const what = `ecs update-service ${u.cluster}/${u.service}${u.taskDefinition ? ` --task-definition ${u.taskDefinition}` : ''}${u.desiredCount !== undefined ? ` --desired-count ${u.desiredCount}` : ''}${u.forceNewDeployment ? ' --force-new-deployment' : ''}`;
        return aws('UpdateService', what, () => void out.updateService(u));
      }
      case 'setWeights': {
        const w = entry.setWeights!;
        const ref = w.ruleArn !== undefined ? { ruleArn: w.ruleArn } : { listenerArn: w.listenerArn! };
        const what = `elbv2 ${w.ruleArn !== undefined ? 'modify-rule' : 'modify-listener'} ${w.ruleArn ?? w.listenerArn} ${w.forward.map((f) => `${shortTargetGroup(f.targetGroupArn)}=${f.weight}`).join(' ')}`;
        return aws('SetWeights', what, () => void out.setWeights(ref, w.forward));
      }
      case 'setRecordWeights': {
        const r = entry.setRecordWeights!;
        const what = `route53 change-resource-record-sets ${r.recordName} ${r.recordType} ${r.weights.map((x) => `${x.setIdentifier}=${x.weight}`).join(' ')}`;
        return aws('SetRecordWeights', what, () => void out.setRecordWeights({ hostedZoneId: r.hostedZoneId, recordName: r.recordName, recordType: r.recordType }, r.weights));
      }
      case 'deleteService': {
        const d = entry.deleteService!;
        return aws('DeleteService', `ecs delete-service ${d.cluster}/${d.service}${d.force ? ' --force' : ''}`, () => out.deleteService(d.cluster, d.service, { force: d.force ?? false }));
      }
      case 'deleteTargetGroup': {
        const arn = entry.deleteTargetGroup!.targetGroupArn;
        return aws('DeleteTargetGroup', `elbv2 delete-target-group ${arn}`, () => out.deleteTargetGroup(arn));
      }
      case 'delete': {
        const name = entry.delete!;
        source.delete(name);
        out.recordAction(by, `removed Release ${name} from the source`);
        this.host.report({ release: name, kind: 'action', type: 'Deleted', message: `removed from the source (by ${by})` });
        return;
      }
      case 'restore': {
        const name = entry.restore!;
        const item = source.restore(name);
        out.recordAction(by, `put Release ${name} back into the source`);
        this.host.report({ release: name, kind: 'action', type: 'Restored', message: `put back into the source${item ? ` (${revisionOf(item)})` : ''} (by ${by})` });
        return;
      }
      case 'operation':
        return this.operate(entry, by);
    }
  }

  private async operate(entry: WorldTimelineEntry, by: string): Promise<void> {
    const name = entry.release ?? '';
    const kind: OperationRequest['kind'] = entry.operation === 'promote' && entry.full ? 'promoteFull' : (entry.operation ?? 'promote');
    const type = 'Operation';
    if (!this.host.knows(name)) {
      this.host.sim.outOfBand.recordAction(by, `keelson ${entry.operation} ${name}: refused, no such Release`);
      this.host.report({ release: name, kind: 'problem', type: 'Refused', message: `keelson ${entry.operation} (by ${by}): no Release named ${name}` });
      return;
    }
    await this.host.requestOperation(name, kind, by, entry.revision);
    const flags = `${entry.full ? ' --full' : ''}${entry.revision ? ` --revision ${entry.revision}` : ''}`;
    this.host.sim.outOfBand.recordAction(by, `keelson ${entry.operation}${flags} ${name}`);
    this.host.report({ release: name, kind: 'action', type, message: `keelson ${entry.operation}${flags} requested by ${by}` });
  }
}



export function applyLine(item: SourcedRelease, file: string): TimelineAction {
  if (item.problems?.length) {
    return { release: item.name, kind: 'problem', type: 'Invalid', message: item.problems.map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`).join('; ') };
  }
  return { release: item.name, kind: 'apply', type: 'Applied', message: `${file} (revision ${revisionOf(item)})` };
}

function revisionOf(item: SourcedRelease): string {
  const revision = item.release?.spec.revision;
  return `${revision?.taskDefinition ?? revision?.image?.uri}`;
}

function shortTargetGroup(arn: string): string {
  return arn.split(':targetgroup/')[1]?.split('/')[0] ?? arn;
}

/**
 * Plays the timeline on a clock: each entry at the simulator's start plus its offset. Returns
 * a function that stops what is not played yet.
 */
export function playOnClock(player: TimelinePlayer, clock: Clock, startedAt: number, onError: (err: unknown) => void): CancelTimer {
  let cancel: CancelTimer | undefined;
  let stopped = false;
  const next = (): void => {
    const at = player.nextAt;
    if (stopped || at === undefined) return;
    cancel = clock.setTimer(Math.max(0, startedAt + at - clock.now()), () => {
      player.playDue(clock.now() - startedAt).then(next, (err: unknown) => {
        onError(err);
        next();
      });
    });
  };
  next();
  return () => {
    stopped = true;
    cancel?.();
  };
}
