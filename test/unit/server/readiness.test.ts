import { describe, expect, it } from 'vitest';
import type { SourceHealth } from '../../../src/runtime/controller.js';
import { assessReadiness } from '../../../src/server/readiness.js';

const synced: SourceHealth = { description: 'git main', ready: true, lastSyncAt: 1_000, message: 'synced abc' };
const neverSynced: SourceHealth = { description: 'dynamodb releases', ready: false, message: 'not synced yet' };
const stale: SourceHealth = { description: 'dir ./releases', ready: false, lastSyncAt: 500, message: 'EACCES' };

describe('assessReadiness', () => {
  it('is not ready while a source has never been read, and names it', () => {
    const r = assessReadiness([synced, neverSynced], 'held');
    expect(r.ready).toBe(false);
    expect(r.reason).toContain('dynamodb releases (not synced yet)');
    expect(r.reason).not.toContain('git main');
  });

  it('is not ready while the lease is neither held nor seen held by another controller', () => {
    expect(assessReadiness([synced], 'unknown')).toEqual({ ready: false, reason: expect.stringContaining('lease not settled') });
  });

  it('is ready when sources are synced and the lease is held, or when standing by', () => {
    expect(assessReadiness([synced], 'held')).toEqual({ ready: true, reason: '1 source(s) synced, lease held' });
    expect(assessReadiness([synced], 'standby')).toEqual({ ready: true, reason: '1 source(s) synced, standing by: another controller holds the lease' });
  });

  it('stays ready when a source that synced once went stale, and says so', () => {
    const r = assessReadiness([synced, stale], 'held');
    expect(r.ready).toBe(true);
    expect(r.reason).toContain('stale, last known specs in force: dir ./releases (EACCES)');
  });

  it('is not ready while the state store cannot be written, and says why rather than blaming the lease', () => {
    const problem = {
      code: 'StoreUnavailable',
      reason: 'ENOSPC',
      message: 'cannot write the lease keelson-controller in /var/lib/keelson: ENOSPC: no space left on device',
      since: Date.parse('2026-01-01T00:05:00Z'),
    };
    const r = assessReadiness([synced], 'standby', problem);
    expect(r.ready).toBe(false);
    expect(r.reason).toBe(
      'state store unavailable (StoreUnavailable ENOSPC) since 2026-01-01T00:05:00.000Z: cannot write the lease keelson-controller in /var/lib/keelson: ENOSPC: no space left on device; no AWS writes until it can be written again',
    );
    expect(r.reason).not.toContain('another controller');
  });

  it('names the shards held, or why none is held', () => {
    expect(assessReadiness([synced], 'held', undefined, { held: [0, 3], shards: 8 })).toEqual({ ready: true, reason: '1 source(s) synced, shards 0, 3 of 8 held' });
    expect(assessReadiness([synced], 'standby', undefined, { held: [], shards: 8 }).reason).toBe('1 source(s) synced, no shard of 8 held: the other replicas hold them all');
    const down = assessReadiness([synced], 'standby', undefined, { held: [], shards: 8, standingDown: 'replica b runs with 4 shards, this one with 8' });
    expect(down.reason).toBe('1 source(s) synced, no shard of 8 held: replica b runs with 4 shards, this one with 8');
    expect(assessReadiness([synced], 'unknown', undefined, { held: [], shards: 8 }).ready).toBe(false);
  });
});
