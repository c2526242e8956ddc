// The request stream: each tick, every entry point receives its rate of requests, split by
// weights to target groups and round-robin across healthy targets; each task answers per its
// revision's behaviour (seeded binomial errors, latency as a distribution). Counts are
// aggregated per tick rather than simulated request by request, which keeps an hour of a
// large world to a fraction of a second and every figure reproducible.

import { loadBalancerDimension, targetGroupDimension } from './arns.js';
import type { ElbModel } from './elb.js';
import { MINUTE, type MetricStore, type Series } from './metrics.js';
import type { Behaviour } from './profiles.js';
import type { Random } from './random.js';
import type { EntryRef, Routing } from './routing.js';
import type { TrafficLedger } from './traffic-stats.js';

export const NAMESPACE = 'AWS/ApplicationELB';

export interface TrafficEntry {
  name: string;
  ref: EntryRef;
  rps: number;
  noise: number;
}

export interface ServingTask {
  behaviour: Behaviour;
  /** `family:revision`. */
  revision: string;
}

export type ServingLookup = (targetId: string, now: number) => ServingTask | undefined;

interface Meters {
  requests: Series;
  target5xx: Series;
  elb5xx: Series;
  latency: Series;
  healthy: Series;
  unhealthy: Series;
}

export class TrafficModel {
  /** Load balancer → target group ('' for the load balancer alone) → series. */
  private readonly meters = new Map<string, Map<string, Meters>>();
  private readonly roundRobin = new Map<string, number>();
  private readonly hostMeterCache = new Map<string, Meters[]>();

  constructor(
    private readonly store: MetricStore,
    private readonly elb: ElbModel,
    private readonly routing: Routing,
    private readonly random: Random,
    private readonly serving: ServingLookup,
    private readonly ledger: TrafficLedger,
    /** Told of every batch of requests a target answered (per-task utilization metrics). */
    private readonly onServed?: (targetGroupArn: string, targetId: string, requests: number) => void,
  ) {}

  /** Metric series for a target group seen through a load balancer (or the load balancer alone). */
  metersFor(loadBalancerArn: string, targetGroupArn?: string): Meters {
    let byGroup = this.meters.get(loadBalancerArn);
    if (!byGroup) this.meters.set(loadBalancerArn, (byGroup = new Map()));
    let m = byGroup.get(targetGroupArn ?? '');
    if (m) return m;
    const dims: Record<string, string> = { LoadBalancer: loadBalancerDimension(loadBalancerArn) };
    if (targetGroupArn) dims.TargetGroup = targetGroupDimension(targetGroupArn);
    const define = (name: string, kind: 'count' | 'gauge' | 'latency'): Series => this.store.define(NAMESPACE, name, dims, kind);
    m = {
      requests: define('RequestCount', 'count'),
      target5xx: define('HTTPCode_Target_5XX_Count', 'count'),
      elb5xx: define('HTTPCode_ELB_5XX_Count', 'count'),
      latency: define('TargetResponseTime', 'latency'),
      healthy: define('HealthyHostCount', 'gauge'),
      unhealthy: define('UnHealthyHostCount', 'gauge'),
    };
    byGroup.set(targetGroupArn ?? '', m);
    return m;
  }

  tick(now: number, entries: readonly TrafficEntry[]): void {
    const minute = Math.floor((now - 1) / MINUTE) * MINUTE;
    for (const entry of entries) this.serveEntry(entry, now, minute);
    this.sampleHosts();
  }

  private serveEntry(entry: TrafficEntry, now: number, minute: number): void {
    const rate = entry.noise > 0 ? entry.rps * (1 + entry.noise * (2 * this.random.next() - 1)) : entry.rps;
    const n = this.random.round(Math.max(0, rate));
    if (n === 0) return;
    const routes = this.routing.routes(entry.ref);
    const counts = apportion(n, routes.map((r) => r.share), this.random);
    let target5xx = 0;
    let elb5xx = 0;
    let unrouted = 0;
    routes.forEach((route, i) => {
      const count = counts[i] ?? 0;
      if (count === 0) return;
      if (!route.loadBalancerArn) unrouted += count;
      else if (!route.targetGroupArn) {
        this.metersFor(route.loadBalancerArn).elb5xx.count(count);
        elb5xx += count;
      } else {
        const served = this.serveTargetGroup(route.targetGroupArn, route.loadBalancerArn, count, now, minute);
        target5xx += served.target5xx;
        elb5xx += served.elb5xx;
      }
    });
    this.ledger.entry(entry.name).add(minute, n, target5xx, elb5xx, unrouted);
    this.ledger.total.add(minute, n, target5xx, elb5xx, unrouted);
  }

  private serveTargetGroup(tgArn: string, lbArn: string, count: number, now: number, minute: number): { target5xx: number; elb5xx: number } {
    const tgMeters = this.metersFor(lbArn, tgArn);
    const lbMeters = this.metersFor(lbArn);
    const targets = this.elb.healthyTargets(tgArn);
    if (targets.length === 0) {
      tgMeters.elb5xx.count(count);
      lbMeters.elb5xx.count(count);
      return { target5xx: 0, elb5xx: count };
    }
    const k = targets.length;
    const base = Math.floor(count / k);
    const extra = count % k;
    const offset = this.roundRobin.get(tgArn) ?? 0;
    this.roundRobin.set(tgArn, (offset + extra) % k);
    let errors = 0;
    for (let i = 0; i < k; i++) {
      const c = base + ((i - offset + k) % k < extra ? 1 : 0);
      if (c === 0) continue;
      // A tick at t carries the requests of the second before it: they meet the behaviour of then.
      const targetId = (targets[i] as { id: string }).id;
      const task = this.serving(targetId, now - 1000);
      if (!task) continue;
      this.onServed?.(tgArn, targetId, c);
      const e = this.random.binomial(c, task.behaviour.errorRate);
      errors += e;
      tgMeters.requests.count(c);
      tgMeters.target5xx.count(e);
      tgMeters.latency.latency(task.behaviour.latency, c);
      lbMeters.requests.count(c);
      lbMeters.target5xx.count(e);
      lbMeters.latency.latency(task.behaviour.latency, c);
      this.ledger.revision(task.revision).add(minute, c, e, 0);
    }
    return { target5xx: errors, elb5xx: 0 };
  }

  private hostMeters(targetGroupArn: string, loadBalancerArns: readonly string[]): Meters[] {
    let cached = this.hostMeterCache.get(targetGroupArn);
    if (!cached || cached.length !== loadBalancerArns.length) {
      cached = loadBalancerArns.map((lb) => this.metersFor(lb, targetGroupArn));
      this.hostMeterCache.set(targetGroupArn, cached);
    }
    return cached;
  }

  /** HealthyHostCount and UnHealthyHostCount, one sample per tick. */
  private sampleHosts(): void {
    for (const tg of this.elb.targetGroups.values()) {
      let healthy = 0;
      let unhealthy = 0;
      for (const t of tg.targets.values()) {
        if (t.state === 'healthy') healthy++;
        else if (t.state === 'unhealthy') unhealthy++;
      }
      for (const m of this.hostMeters(tg.arn, tg.loadBalancerArns)) {
        m.healthy.sample(healthy);
        m.unhealthy.sample(unhealthy);
      }
    }
  }
}

/** Splits n into integer parts proportional to shares; the remainder goes by seeded draws. */
export function apportion(n: number, shares: readonly number[], random: Random): number[] {
  const total = shares.reduce((sum, s) => sum + s, 0);
  if (total <= 0) return shares.map(() => 0);
  const exact = shares.map((s) => (n * s) / total);
  const counts = exact.map(Math.floor);
  let rest = n - counts.reduce((sum, c) => sum + c, 0);
  const fractions = exact.map((x, i) => x - (counts[i] as number));
  while (rest > 0) {
    const fracTotal = fractions.reduce((sum, f) => sum + f, 0);
    let pick = random.next() * fracTotal;
    let chosen = fractions.length - 1;
    for (let i = 0; i < fractions.length; i++) {
      pick -= fractions[i] as number;
      if (pick < 0 && (fractions[i] as number) > 0) {
        chosen = i;
        break;
      }
    }
    counts[chosen] = (counts[chosen] as number) + 1;
    fractions[chosen] = 0;
    rest--;
  }
  return counts;
}
