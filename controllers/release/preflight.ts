// Named resources a pass depends on must exist before anything is written. A missing one is an
// error retrying cannot fix (the Release stalls), not a reason to start a rollout that cannot finish.
import type { Release, ReleaseStatus } from '../../src/api/types.js';
import { CloudError } from '../../src/cloud/errors.js';
import type { CloudPorts } from '../../src/cloud/ports.js';
import type { Action } from './actions.js';
import { isUnread, type Observation } from './observation.js';
import { rolloutServiceOf } from './observe.js';
import { COLOURS, servicesOf, trafficOf } from './spec.js';

/**
 * Every service the Release names was described and is ACTIVE (ECS reports a missing one as a
 * failure, not an error, and a deleted one as DRAINING, then INACTIVE). The one exception is the
 * colour a rollout in flight is bringing up: its deletion reverts that rollout (the plan sees it),
 * which takes weight writes only.
 */
export function requireServices(release: Release, observed: Observation, status?: ReleaseStatus): void {
  if (isUnread(observed, 'services')) return; // not read is not missing
  const rolloutColour = status?.rollout ? rolloutServiceOf(release, status) : undefined;
  const missing = servicesOf(release.spec).filter((name) => {
    const svc = observed.services[name];
    return !svc || (svc.status !== 'ACTIVE' && name !== rolloutColour);
  });
  if (missing.length === 0) return;
  const described = missing.map((name) => (observed.services[name] ? `${name} (${observed.services[name]?.status})` : name));
  throw new CloudError('NotFound', `service ${described.join(', ')} not found in cluster ${release.spec.cluster}`, {
    service: 'ecs',
    operation: 'DescribeServices',
  });
}

/**
 * The ALB target groups the spec names exist, before a pass writes anything. Read only when this
 * pass writes and observe() did not read them already, so a steady pass costs no extra call.
 */
export async function requireTargetGroups(release: Release, observed: Observation, actions: readonly Action[], ports: CloudPorts): Promise<void> {
  const alb = trafficOf(release.spec)?.alb;
  if (!alb || actions.length === 0) return;
  const unread = COLOURS.filter((c) => !observed.targets[c]).map((c) => alb.targetGroups[c]);
  if (unread.length === 0) return;
  const found = await ports.lb.describeTargetGroups(unread);
  const missing = unread.filter((arn) => !found.some((g) => g.arn === arn));
  if (missing.length === 0) return;
  throw new CloudError('NotFound', `target group ${missing.join(', ')} not found`, { service: 'elasticloadbalancing', operation: 'DescribeTargetGroups' });
}
