// Requests served and failed, over the whole run and per minute: what benchmarks compare
// (e.g. failed requests during a bad deploy, canary against native rolling).

export interface TrafficCounts {
  requests: number;
  /** target5xx + elb5xx + requests that had nowhere to go. */
  failed: number;
  /** 5xx answered by a task. */
  target5xx: number;
  /** 503 answered by the load balancer: no healthy target, or every weight zero. */
  elb5xx: number;
}

export interface TrafficTally extends TrafficCounts {
  /** Minutes with traffic, oldest first; `minute` is the minute's start (epoch ms). */
  perMinute: (TrafficCounts & { minute: number })[];
}

export interface TrafficStats {
  total: TrafficTally;
  /** By traffic entry name (the world's `name`, else the listener/rule ARN or `record TYPE`). */
  byEntryPoint: Record<string, TrafficTally>;
  /** By task definition `family:revision` (requests answered by tasks only). */
  byRevision: Record<string, TrafficTally>;
}

function zero(): TrafficCounts {
  return { requests: 0, failed: 0, target5xx: 0, elb5xx: 0 };
}

function addTo(c: TrafficCounts, requests: number, target5xx: number, elb5xx: number, unrouted: number): void {
  c.requests += requests;
  c.target5xx += target5xx;
  c.elb5xx += elb5xx;
  c.failed += target5xx + elb5xx + unrouted;
}

export class Tally {
  readonly counts = zero();
  private readonly minutes = new Map<number, TrafficCounts>();

  add(minute: number, requests: number, target5xx: number, elb5xx: number, unrouted = 0): void {
    let m = this.minutes.get(minute);
    if (!m) this.minutes.set(minute, (m = zero()));
    addTo(this.counts, requests, target5xx, elb5xx, unrouted);
    addTo(m, requests, target5xx, elb5xx, unrouted);
  }

  snapshot(): TrafficTally {
    const perMinute = [...this.minutes.entries()].sort(([a], [b]) => a - b).map(([minute, c]) => ({ minute, ...c }));
    return { ...this.counts, perMinute };
  }
}

export class TrafficLedger {
  readonly total = new Tally();
  readonly entries = new Map<string, Tally>();
  readonly revisions = new Map<string, Tally>();

  entry(name: string): Tally {
    let t = this.entries.get(name);
    if (!t) this.entries.set(name, (t = new Tally()));
    return t;
  }

  revision(name: string): Tally {
    let t = this.revisions.get(name);
    if (!t) this.revisions.set(name, (t = new Tally()));
    return t;
  }

  snapshot(): TrafficStats {
    const map = (m: Map<string, Tally>): Record<string, TrafficTally> =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => [k, t.snapshot()]));
    return { total: this.total.snapshot(), byEntryPoint: map(this.entries), byRevision: map(this.revisions) };
  }
}
