// Where a request entering at a listener, a rule or a Route53 record set ends up: shares of
// target groups (with the load balancer they were reached through), following ALB weights at
// once and Route53 weights as clients see them (after propagation and TTL).

import type { RecordKey } from '../cloud/ports.js';
import { listenerOfRule, loadBalancerOfListener, normalizeRecordName } from './arns.js';
import { DnsModel } from './route53.js';
import type { ElbModel } from './elb.js';

export type EntryRef = { listenerArn: string } | { ruleArn: string } | { record: RecordKey };

export interface Route {
  /** Absent: nowhere to go (all weights zero, or a record that aliases no known load balancer). */
  targetGroupArn?: string;
  loadBalancerArn?: string;
  share: number;
}

export function entryLabel(entry: EntryRef): string {
  if ('listenerArn' in entry) return entry.listenerArn;
  if ('ruleArn' in entry) return entry.ruleArn;
  return `${normalizeRecordName(entry.record.recordName)} ${entry.record.recordType}`;
}

export function normalizeDnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');
}

export class Routing {
  private readonly loadBalancers = new Map<string, string>();

  constructor(
    private readonly elb: ElbModel,
    private readonly dns: DnsModel,
    /** Load balancer DNS name → the listener a record aliasing it reaches. */
    private readonly listenerByDnsName: ReadonlyMap<string, string>,
  ) {}

  routes(entry: EntryRef): Route[] {
    if ('record' in entry) return this.recordRoutes(entry.record);
    const forward = 'listenerArn' in entry ? this.elb.listeners.get(entry.listenerArn) : this.elb.rules.get(entry.ruleArn);
    return this.forwardRoutes(forward?.weights ?? [], forward?.loadBalancerArn ?? this.loadBalancerOf('listenerArn' in entry ? entry.listenerArn : listenerOfRule(entry.ruleArn)), 1);
  }

  private loadBalancerOf(listenerArn: string): string {
    let arn = this.loadBalancers.get(listenerArn);
    if (arn === undefined) this.loadBalancers.set(listenerArn, (arn = loadBalancerOfListener(listenerArn)));
    return arn;
  }

  private forwardRoutes(weights: readonly { targetGroupArn: string; weight: number }[], loadBalancerArn: string, share: number): Route[] {
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    if (total <= 0) return [{ loadBalancerArn, share }];
    return weights.filter((w) => w.weight > 0).map((w) => ({ targetGroupArn: w.targetGroupArn, loadBalancerArn, share: (share * w.weight) / total }));
  }

  private recordRoutes(key: RecordKey): Route[] {
    const set = this.dns.recordSets.get(DnsModel.keyOf(key));
    if (!set) return [{ share: 1 }];
    const total = [...set.effective.values()].reduce((sum, w) => sum + w, 0);
    if (total <= 0) return [{ share: 1 }];
    const out: Route[] = [];
    for (const [setId, weight] of set.effective) {
      if (weight <= 0) continue;
      const share = weight / total;
      const alias = set.records.get(setId)?.aliasTarget?.dnsName;
      const listenerArn = alias ? this.listenerByDnsName.get(normalizeDnsName(alias)) : undefined;
      const forward = listenerArn ? this.elb.listeners.get(listenerArn) : undefined;
      if (!listenerArn || !forward) out.push({ share });
      else out.push(...this.forwardRoutes(forward.weights, this.loadBalancerOf(listenerArn), share));
    }
    return out;
  }
}
