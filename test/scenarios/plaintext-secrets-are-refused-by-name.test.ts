import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Release } from '../../src/api/types.js';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import type { WorldContainer } from '../../src/sim/world.js';
import { aepCanary } from './support/releases.js';
import { demoWorld } from './support/scenario.js';
import { writeCalls, writesSince } from './support/writes.js';

let s: Stage | undefined;
afterEach(async () => s?.close());

const VALUE = 'hunter2-Zq8v!correct-horse';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-backend@sha256:' + '2'.repeat(64);

async function stageWith(container: WorldContainer): Promise<{ stage: Stage; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const world = await demoWorld((w) => {
    const td = w.taskDefinitions.find((t) => t.family === 'aep-backend-prod' && t.revision === 12);
    if (td) td.containers = [container];
  });
  const stage = await createStage({ world, logger: pino({ level: 'debug' }, sink) });
  return { stage, logs };
}

const prod = (revision: string, change: (r: Release) => void = () => {}) => aepCanary(revision, change);

describe('plaintext secrets in a task definition', () => {
  it('refuses the revision by variable name and container, never its value, before any write', async () => {
    const { stage, logs } = await stageWith({
      name: 'backend',
      image: IMAGE,
      port: 8000,
      environment: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DATABASE_PASSWORD', value: VALUE },
      ],
      secrets: [{ name: 'API_TOKEN', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:aep/prod/API_TOKEN' }],
    });
    s = stage;
    s.source.apply(prod('aep-backend-prod:11'));
    await s.advance(60_000, { stepMs: 5_000 });
    const before = writeCalls(s.sim);

    s.source.apply(prod('aep-backend-prod:12'));
    await s.advance(2 * 60_000, { stepMs: 5_000 });
    const st = await s.status('aep-backend-prod');
    expect(st).toMatchObject({ phase: 'Degraded', blockedRevision: 'aep-backend-prod:12', stableRevision: 'aep-backend-prod:11', rollout: null });
    expect(st?.plaintext).toEqual({
      revision: 'aep-backend-prod:12',
      generation: expect.any(Number),
      refused: [{ container: 'backend', name: 'DATABASE_PASSWORD', rule: 'name:PASSWORD' }],
      allowed: [],
    });
    expect(st?.history?.[0]).toMatchObject({ revision: 'aep-backend-prod:12', result: 'Refused' });
    expect(st?.history?.[0]?.reason).toContain('backend: DATABASE_PASSWORD');
    // API_TOKEN comes from Secrets Manager (valueFrom): not a finding.
    expect(JSON.stringify(st)).not.toContain('API_TOKEN');
    expect(writesSince(s.sim, before)).toEqual({});
    const refused = s.events.filter((e) => e.type === 'PlaintextRefused');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toContain('DATABASE_PASSWORD');

    // The value is nowhere: status, events, log lines.
    expect(JSON.stringify(st)).not.toContain(VALUE);
    expect(JSON.stringify(s.events)).not.toContain(VALUE);
    expect(logs.join('')).not.toContain(VALUE);
    expect(logs.join('')).toContain('DATABASE_PASSWORD');
  });

  it('lets a variable named in keelson.dev/allow-plaintext through, and says so in status', async () => {
    const { stage } = await stageWith({
      name: 'backend',
      image: IMAGE,
      port: 8000,
      environment: [{ name: 'FEATURE_TOKEN_NAME', value: 'x-feature-token' }, { name: 'PUBLIC_SIGNUP_TOKEN', value: 'welcome-2026' }],
    });
    s = stage;
    s.source.apply(prod('aep-backend-prod:11'));
    await s.advance(60_000, { stepMs: 5_000 });
    s.source.apply(prod('aep-backend-prod:12'));
    await s.advance(30_000, { stepMs: 5_000 });
    expect(await s.status('aep-backend-prod')).toMatchObject({ phase: 'Degraded', blockedRevision: 'aep-backend-prod:12' });

    // Allowing it changes the manifest: the refused revision is looked at again, without a retry.
    s.source.apply(prod('aep-backend-prod:12', (r) => {
      r.metadata.annotations = { 'keelson.dev/allow-plaintext': 'PUBLIC_SIGNUP_TOKEN' };
    }));
    await s.advance(30_000, { stepMs: 5_000 });
    const st = await s.status('aep-backend-prod');
    expect(st?.blockedRevision ?? null).toBeNull();
    expect(st?.rollout).toMatchObject({ revision: 'aep-backend-prod:12' });
    expect(st?.plaintext).toMatchObject({ refused: [], allowed: [{ container: 'backend', name: 'PUBLIC_SIGNUP_TOKEN', rule: 'name:TOKEN' }] });
    // FEATURE_TOKEN_NAME only names a token (a …_NAME pointer): never a finding.
    expect(JSON.stringify(st)).not.toContain('FEATURE_TOKEN_NAME');
  });
});
