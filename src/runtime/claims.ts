// What a Release takes hold of in AWS: its ECS services, its listener or rule, its weighted
// records. Two Releases holding the same thing would undo each other's writes on every pass, so
// the later claimant is refused. Pure: computed from specs alone.
import type { Release } from '../api/types.js';

/** One thing a Release writes to, and the field that names it. */
export interface Claim {
  /** Equal for two Releases exactly when they write the same thing. */
  key: string;
  /** In the user's words: `ECS service aep-prod/aep-backend-blue`. */
  what: string;
  path: (string | number)[];
}

export interface Claimant {
  name: string;
  release: Release;
  /** When this controller first held the Release; earlier claimants win. */
  firstSeen: number;
}

export interface Refusal {
  /** The Release that keeps the resource. */
  heldBy: string;
  claim: Claim;
}

/** A cluster ARN and its name are the same cluster. */
const clusterName = (cluster: string): string => cluster.split(':cluster/').pop() ?? cluster;
/** Route 53 names are case-insensitive and a trailing dot changes nothing. */
const recordName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

export function claimsOf(release: Release): Claim[] {
  const { spec } = release;
  const region = spec.region ?? '';
  const cluster = clusterName(spec.cluster);
  const service = (name: string, path: (string | number)[]): Claim => ({
    key: `ecs:${region}:${cluster}/${name}`,
    what: `ECS service ${cluster}/${name}`,
    path,
  });
  const { rolling } = spec.strategy;
  if (rolling) return [service(rolling.service, ['spec', 'strategy', 'rolling', 'service'])];
  const kind = spec.strategy.canary ? 'canary' : 'blueGreen';
  const tc = spec.strategy.canary ?? spec.strategy.blueGreen;
  if (!tc) return [];
  const base = ['spec', 'strategy', kind];
  const claims = [
    service(tc.services.blue, [...base, 'services', 'blue']),
    service(tc.services.green, [...base, 'services', 'green']),
  ];
  const { alb, route53 } = tc.traffic;
  if (alb?.ruleArn) claims.push({ key: `rule:${alb.ruleArn}`, what: `listener rule ${alb.ruleArn}`, path: [...base, 'traffic', 'alb', 'ruleArn'] });
  else if (alb?.listenerArn) claims.push({ key: `listener:${alb.listenerArn}`, what: `listener ${alb.listenerArn}`, path: [...base, 'traffic', 'alb', 'listenerArn'] });
  if (route53) {
    for (const colour of ['blue', 'green'] as const) {
      const id = route53.setIdentifiers[colour];
      claims.push({
        key: `route53:${route53.hostedZoneId}/${recordName(route53.recordName)}/${route53.recordType}/${id}`,
        what: `Route 53 record ${route53.recordName} ${route53.recordType} (set identifier ${id}) in zone ${route53.hostedZoneId}`,
        path: [...base, 'traffic', 'route53', 'setIdentifiers', colour],
      });
    }
  }
  return claims;
}

/**
 * The Releases refused because an earlier one (first seen earlier; ties by name) holds something
 * they claim. A refused Release holds nothing, so it never makes a third one wait.
 */
export function refusedClaims(claimants: readonly Claimant[]): Map<string, Refusal> {
  const ordered = [...claimants].sort((a, b) => a.firstSeen - b.firstSeen || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const holders = new Map<string, string>();
  const refused = new Map<string, Refusal>();
  for (const c of ordered) {
    const claims = claimsOf(c.release);
    const taken = claims.find((claim) => holders.has(claim.key));
    if (taken) {
      refused.set(c.name, { heldBy: holders.get(taken.key) as string, claim: taken });
      continue;
    }
    for (const claim of claims) holders.set(claim.key, c.name);
  }
  return refused;
}
