// How a declared host answers one request: routed by the current weights (Route53 ones as
// clients see them) to a healthy target, answered by that task's revision behaviour. The
// draw for each request is keyed by host, path, time and a counter, not by arrival order,
// so concurrent probes over real sockets cannot change a run.

import { quantile } from './latency.js';
import { keyedRandom } from './random.js';
import type { SimState } from './state.js';

export interface EndpointAnswer {
  status: number;
  body: string;
  latencyMs: number;
  contentType: string;
  /** `family:revision` of the task that answered, if one did. */
  revision?: string;
}

const ELB_503 = '<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>';

export class EndpointAnswers {
  private lastNow = -1;
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly state: SimState,
    private readonly seed: number,
  ) {}

  answer(host: string, path: string, now: number): EndpointAnswer | undefined {
    const endpoint = this.state.endpoints.get(host.toLowerCase().replace(/:\d+$/, ''));
    if (!endpoint) return undefined;
    const draw = this.drawer(`${endpoint.host}${path}`, now);
    const routes = this.state.routing.routes(endpoint.ref);
    const route = routes[pickIndex(routes.map((r) => r.share), draw())];
    if (!route?.targetGroupArn) return elb503();
    const targets = this.state.elb.healthyTargets(route.targetGroupArn);
    const target = targets[Math.floor(draw() * targets.length)];
    const serving = target ? this.state.serving(target.id, now) : undefined;
    if (!serving) return elb503();
    const b = serving.behaviour;
    const latencyMs = Math.round(quantile(b.latency, draw()));
    const base = { latencyMs, contentType: 'application/json', revision: serving.revision };
    if (path === '/health/ready') {
      const ok = b.ready;
      const checks = [
        { name: 'self', ok: true, latency_ms: 0, detail: 'ok' },
        { name: 'db', ok, latency_ms: ok ? 1 : 5000, detail: ok ? 'ok' : 'connection refused' },
        { name: 'redis', ok: true, latency_ms: 2, detail: 'ok' },
      ];
      return { ...base, status: ok ? 200 : 503, body: JSON.stringify({ ok, checks }) };
    }
    if (path === '/health/live') return { ...base, status: 200, body: JSON.stringify({ ok: true }) };
    const failed = draw() < b.errorRate;
    return { ...base, status: failed ? 500 : 200, body: JSON.stringify(failed ? { ok: false, error: 'internal error' } : { ok: true }) };
  }

  private drawer(key: string, now: number): () => number {
    if (now !== this.lastNow) {
      this.counters.clear();
      this.lastNow = now;
    }
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    let i = 0;
    return () => keyedRandom(this.seed, `${key}@${now}#${n}/${i++}`);
  }
}

/** Index chosen with probability proportional to its share. */
function pickIndex(shares: readonly number[], u: number): number {
  let x = u * shares.reduce((sum, s) => sum + s, 0);
  for (let i = 0; i < shares.length; i++) {
    x -= shares[i] as number;
    if (x < 0) return i;
  }
  return shares.length - 1;
}

function elb503(): EndpointAnswer {
  return { status: 503, body: ELB_503, latencyMs: 1, contentType: 'text/html' };
}
