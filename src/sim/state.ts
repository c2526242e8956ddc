// The whole simulated world and one tick of it. Order within a tick is fixed: faults, ECS
// tasks and scheduler, load-balancer health checks, Route 53 propagation, traffic, and at
// each whole minute the metrics close; closed minutes are published a publication delay after
// they end; alarms are evaluated every minute on what is published and scaling policies act;
// then scheduled scaling actions that are due run.

import type { SimContext } from './context.js';
import { CloudWatchModel } from './cloudwatch.js';
import { EcsModel, type SimTask } from './ecs-model.js';
import { EcsUtilizationMetrics } from './ecs-metrics.js';
import { EcsScheduler } from './ecs-scheduler.js';
import { ElbModel } from './elb.js';
import { EventLog } from './events.js';
import { FaultSchedule } from './faults.js';
import { MetricStore, MINUTE } from './metrics.js';
import { applyChange, type Behaviour, type Profile } from './profiles.js';
import { randomStream, type Random } from './random.js';
import { DnsModel } from './route53.js';
import { Routing, type EntryRef } from './routing.js';
import { ScalingModel } from './scaling.js';
import { TrafficModel, type ServingTask, type TrafficEntry } from './traffic.js';
import { TrafficLedger } from './traffic-stats.js';
import { RegistryModel } from './ecr.js';

export interface SimEndpoint {
  host: string;
  ref: EntryRef;
}

export interface StateOptions {
  account: string;
  region: string;
  seed: number;
  start: number;
  changePropagationMs: number;
  publishZeroCounts: boolean;
  /** How long after its minute ends a metric datapoint is visible (metrics.publicationDelay). */
  publicationDelayMs: number;
}

export class SimState {
  readonly ctx: SimContext;
  readonly ecs: EcsModel;
  readonly scheduler: EcsScheduler;
  readonly elb: ElbModel;
  readonly dns: DnsModel;
  readonly metrics: MetricStore;
  readonly cloudwatch: CloudWatchModel;
  readonly scaling: ScalingModel;
  readonly registry: RegistryModel;
  readonly utilization: EcsUtilizationMetrics;
  readonly faults: FaultSchedule;
  readonly ledger = new TrafficLedger();
  readonly routing: Routing;
  readonly traffic: TrafficModel;
  readonly listenerByDnsName = new Map<string, string>();
  /** Behaviour of images registered later, by image URI. */
  readonly imageProfiles = new Map<string, Profile>();
  readonly entries: TrafficEntry[] = [];
  readonly endpoints = new Map<string, SimEndpoint>();
  readonly random: { traffic: Random; faults: Random; http: Random };
  /** Time of the last tick processed. */
  time: number;

  constructor(readonly options: StateOptions) {
    const { seed } = options;
    this.ctx = { account: options.account, region: options.region, events: new EventLog(), ids: randomStream(seed, 'ids') };
    this.random = { traffic: randomStream(seed, 'traffic'), faults: randomStream(seed, 'faults'), http: randomStream(seed, 'http') };
    this.time = options.start;
    this.ecs = new EcsModel(this.ctx);
    this.elb = new ElbModel(this.ctx);
    this.scheduler = new EcsScheduler(this.ctx, this.ecs, this.elb, {
      alarm: (name) => this.cloudwatch.alarms.get(name),
      weights: {
        readWeights: (ref) => this.elb.readWeights(ref),
        setWeights: (ref, weights, now, by) => this.elb.setWeights(ref, weights, now, by),
        isRule: (arn) => this.elb.rules.has(arn),
      },
    });
    this.dns = new DnsModel(this.ctx, options.changePropagationMs);
    this.metrics = new MetricStore(options.publishZeroCounts, options.publicationDelayMs);
    this.cloudwatch = new CloudWatchModel(this.ctx, this.metrics);
    this.registry = new RegistryModel(this.ctx);
    this.scaling = new ScalingModel(this.ctx, { ecs: this.ecs, cloudwatch: this.cloudwatch, ids: randomStream(seed, 'scaling') });
    this.faults = new FaultSchedule(this.ctx, options.start, this.random.faults, (ref) => this.ecs.taskDefinitionArn(...splitRef(ref)));
    this.routing = new Routing(this.elb, this.dns, this.listenerByDnsName);
    this.utilization = new EcsUtilizationMetrics(this.metrics, this.ecs, this.elb);
    this.traffic = new TrafficModel(this.metrics, this.elb, this.routing, this.random.traffic, (id, now) => this.serving(id, now), this.ledger, (tg, id, n) =>
      this.utilization.served(tg, id, n),
    );
    this.elb.answer = (tg, id, now) => !this.faults.targetsUnhealthy(tg, now) && (this.taskBehaviour(id, now)?.healthCheck ?? false);
  }

  /** Processes every whole second after the last tick up to and including `now`. */
  advanceTo(now: number): void {
    for (let t = (Math.floor(this.time / 1000) + 1) * 1000; t <= now; t += 1000) {
      this.tick(t);
      this.time = t;
    }
  }

  private tick(now: number): void {
    this.faults.tick(now);
    this.scheduler.tick(now);
    this.elb.tick(now);
    this.dns.tick(now);
    this.traffic.tick(now, this.entries);
    if (now % MINUTE === 0) {
      this.utilization.publish(now);
      this.metrics.closeMinute(now - MINUTE);
    }
    this.metrics.publish(now);
    if (now % MINUTE === 0) {
      this.cloudwatch.evaluateAlarms(now);
      this.scaling.evaluatePolicies(now);
    }
    this.scaling.tick(now);
  }

  behaviourOf(task: SimTask, now: number): Behaviour {
    const p = task.profile;
    const bad = p.turnsBad && task.startedAt !== undefined && now >= task.startedAt + p.turnsBad.afterMs;
    const b = bad ? (p.turnsBad as { behaviour: Behaviour }).behaviour : p.base;
    const change = this.faults.hasRevisionFaults ? this.faults.revisionChange(task.taskDefinitionArn, now, task.startedAt ?? task.createdAt) : undefined;
    return change ? applyChange(b, change) : b;
  }

  taskBehaviour(targetId: string, now: number): Behaviour | undefined {
    const task = this.ecs.byIp.get(targetId);
    return task ? this.behaviourOf(task, now) : undefined;
  }

  serving(targetId: string, now: number): ServingTask | undefined {
    const task = this.ecs.byIp.get(targetId);
    return task ? { behaviour: this.behaviourOf(task, now), revision: task.revision } : undefined;
  }
}

function splitRef(ref: string): [string, number] {
  const [family, revision] = ref.split(':');
  return [family ?? ref, Number(revision)];
}
