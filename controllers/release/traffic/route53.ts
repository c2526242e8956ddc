import { formatDuration } from '../../../src/api/duration.js';
import type { Route53Traffic } from '../../../src/api/types.js';
import { CloudError } from '../../../src/cloud/errors.js';
import type { RecordKey } from '../../../src/cloud/ports.js';
import { toPercent, type TrafficRouter } from './router.js';

export function route53Router(spec: Route53Traffic): TrafficRouter {
  const key: RecordKey = { hostedZoneId: spec.hostedZoneId, recordName: spec.recordName, recordType: spec.recordType };
  const ids = spec.setIdentifiers;
  return {
    async readWeights(ports, rollout) {
      const records = await ports.dns.readWeightedRecords(key);
      const blue = records.find((r) => r.setIdentifier === ids.blue);
      const green = records.find((r) => r.setIdentifier === ids.green);
      // Both records must exist before anything moves: a weight write to a missing one fails only
      // after the new colour was scaled up. Route 53 answers a missing name with other names.
      const missing = [blue ? undefined : ids.blue, green ? undefined : ids.green].filter((id): id is string => id !== undefined);
      if (missing.length > 0) {
        throw new CloudError(
          'NotFound',
          `no weighted ${key.recordType} record ${key.recordName} with set identifier ${missing.join(', ')} in hosted zone ${key.hostedZoneId}`,
          { service: 'route53', operation: 'ListResourceRecordSets' },
        );
      }
      const weights = toPercent(blue?.weight ?? 0, green?.weight ?? 0);
      const ttlSeconds = Math.max(blue?.ttl ?? 0, green?.ttl ?? 0);
      const changeId = rollout?.trafficChangeId;
      const changeStatus = changeId ? await ports.dns.getChangeStatus(changeId) : undefined;
      return { ...(weights ? { weights } : {}), ...(changeStatus ? { changeStatus } : {}), ttlSeconds };
    },
    async setWeights(ports, weights) {
      return ports.dns.setWeights(key, [
        { setIdentifier: ids.blue, weight: weights.blue },
        { setIdentifier: ids.green, weight: weights.green },
      ]);
    },
    // Resolvers follow a record only once the change is INSYNC and the TTL they cached runs out.
    verify(observed, rollout, now) {
      // No change of ours in flight (weights were already right, or set before a restart): nothing to wait for.
      if (!rollout?.trafficChangeId) return { settled: true };
      if (observed.changeStatus !== 'INSYNC') return { settled: false, message: 'waiting for the Route53 change to be INSYNC' };
      const inSyncAt = rollout.trafficInSyncAt ?? new Date(now).toISOString();
      const record = rollout.trafficInSyncAt ? {} : { record: { trafficInSyncAt: inSyncAt } };
      const settleAt = Date.parse(inSyncAt) + (observed.ttlSeconds ?? 0) * 1000;
      if (now >= settleAt) return { settled: true, ...record };
      const left = settleAt - now;
      return { settled: false, message: `waiting one record TTL (${formatDuration(left)} left) for resolvers to follow`, retryAfterMs: left, ...record };
    },
  };
}
