// What people do on a world's timeline, played by a rehearsal: hand edits on AWS (and AWS's
// refusals), a Release removed from its source and put back, a keelson operation. Each shows
// as a line of the rehearsal's timeline and as an event of the simulated world.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rehearse, type ManifestText, type TimelineLine } from '../../src/rehearse/rehearse.js';
import { loadWorld } from '../../src/sim/world-loader.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/sim/equivalence/', import.meta.url));
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const PAYMENTS_LISTENER = `${ELB}:listener/app/shop-alb/1111111111111111/3333333333333333`;
const ORDERS_GREEN_TG = `${ELB}:targetgroup/orders-green/00000000000000a2`;

async function manifests(): Promise<ManifestText[]> {
  const dir = join(FIXTURE, 'releases');
  return Promise.all((await readdir(dir)).sort().map(async (f) => ({ file: f, text: await readFile(join(dir, f), 'utf8') })));
}

const lineAt = (lines: TimelineLine[], type: string): TimelineLine | undefined => lines.find((l) => l.type === type);

describe('timeline actions in a rehearsal', () => {
  it('plays hand edits, refusals, a removal and a restore, and an operation, each as a timeline line and a world event', async () => {
    const world = await loadWorld(join(FIXTURE, 'world.yaml'));
    world.hostedZones = [
      { id: 'Z0SHOP', name: 'example.test', records: [
        { name: 'pay.example.test', type: 'A', setIdentifier: 'blue', weight: 100, ttl: 60, values: ['192.0.2.1'] },
        { name: 'pay.example.test', type: 'A', setIdentifier: 'green', weight: 0, ttl: 60, values: ['192.0.2.2'] },
      ] },
    ];
    world.timeline = [
      { at: '30s', by: 'bob', updateService: { cluster: 'shop', service: 'orders-blue', desiredCount: 3 } },
      { at: '1m30s', by: 'dave', deleteService: { cluster: 'shop', service: 'payments-blue' } },
      { at: '1m30s', by: 'dave', deleteTargetGroup: { targetGroupArn: ORDERS_GREEN_TG } },
      { at: '2m', by: 'carol', setWeights: { listenerArn: PAYMENTS_LISTENER, forward: [{ targetGroupArn: `${ELB}:targetgroup/payments-blue/00000000000000c3`, weight: 100 }, { targetGroupArn: `${ELB}:targetgroup/payments-green/00000000000000d4`, weight: 0 }] } },
      { at: '2m30s', by: 'erin', setRecordWeights: { hostedZoneId: 'Z0SHOP', recordName: 'pay.example.test', recordType: 'A', weights: [{ setIdentifier: 'blue', weight: 50 }, { setIdentifier: 'green', weight: 50 }] } },
      { at: '3m', by: 'alice', operation: 'promote', release: 'payments' },
      { at: '4m', by: 'frank', delete: 'orders' },
      { at: '5m', by: 'frank', restore: 'orders' },
    ];
    const result = await rehearse({ world, releases: await manifests(), untilMs: 10 * 60_000, http: false });
    const lines = result.events;
    const sim = result.sim.events;

    expect(lineAt(lines, 'UpdateService')).toMatchObject({ offset: '30s', release: '', kind: 'action', message: 'ecs update-service shop/orders-blue --desired-count 3 (by bob)' });
    expect(sim).toContainEqual(expect.objectContaining({ offset: '30s', kind: 'service.scaled', subject: 'orders-blue', detail: 'desiredCount 2 -> 3 (out of band)' }));

    // AWS refuses both deletions: the service is scaled above 0, the target group is forwarded to.
    const refused = lines.filter((l) => l.type === 'Refused');
    expect(refused.map((l) => [l.offset, l.message.split(': ')[0], l.message.split(': ')[1]])).toEqual([
      ['1m30s', 'ecs delete-service shop/payments-blue (by dave)', 'InvalidParameterException'],
      ['1m30s', `elbv2 delete-target-group ${ORDERS_GREEN_TG} (by dave)`, 'ResourceInUse'],
    ]);
    expect(sim.filter((e) => e.kind === 'operator.action' && e.subject === 'dave').map((e) => e.detail)).toEqual([
      'ecs delete-service shop/payments-blue: refused, InvalidParameterException',
      `elbv2 delete-target-group ${ORDERS_GREEN_TG}: refused, ResourceInUse`,
    ]);

    expect(lineAt(lines, 'SetWeights')).toMatchObject({ offset: '2m', message: `elbv2 modify-listener ${PAYMENTS_LISTENER} payments-blue=100 payments-green=0 (by carol)` });
    expect(sim).toContainEqual(expect.objectContaining({ offset: '2m', kind: 'weights.changed', subject: PAYMENTS_LISTENER, detail: 'payments-blue=100 payments-green=0 (out of band)' }));
    // keelson sees the hand edit and puts its own weights back.
    const payments = sim.filter((e) => e.kind === 'weights.changed' && e.subject === PAYMENTS_LISTENER).map((e) => [e.offset, e.detail]);
    expect(payments.slice(0, 3)).toEqual([
      ['30s', 'payments-blue=90 payments-green=10'],
      ['2m', 'payments-blue=100 payments-green=0 (out of band)'],
      ['2m15s', 'payments-blue=90 payments-green=10'],
    ]);

    expect(lineAt(lines, 'SetRecordWeights')).toMatchObject({ offset: '2m30s', message: 'route53 change-resource-record-sets pay.example.test A blue=50 green=50 (by erin)' });
    const recordChanged = sim.find((e) => e.kind === 'record.changed');
    expect(recordChanged).toMatchObject({ offset: '2m30s', detail: expect.stringMatching(/blue=50 green=50 \(out of band\)$/) });
    expect(sim.find((e) => e.kind === 'record.insync')?.offset).toBe('3m');

    expect(lineAt(lines, 'Operation')).toMatchObject({ offset: '3m', release: 'payments', message: 'keelson promote requested by alice' });
    expect(result.releases.find((r) => r.name === 'payments')?.status).toMatchObject({ phase: 'Healthy', stableRevision: 'payments:2' });

    // Removed from the source: Orphaned, its resources left as they are; put back: held again.
    expect(lineAt(lines, 'Deleted')).toMatchObject({ offset: '4m', release: 'orders', message: 'removed from the source (by frank)' });
    expect(lineAt(lines, 'Restored')).toMatchObject({ offset: '5m', release: 'orders', message: 'put back into the source (orders:2) (by frank)' });
    const ordersPhases = lines.filter((l) => l.release === 'orders' && l.kind === 'phase').map((l) => [l.offset, l.type]);
    expect(ordersPhases).toContainEqual(['4m5s', 'Orphaned']);
    expect(ordersPhases.at(-1)).toEqual(['5m5s', 'Degraded']);
    expect(result.releases.find((r) => r.name === 'orders')?.status).toMatchObject({ phase: 'Degraded', blockedRevision: 'orders:2' });
    expect(sim.filter((e) => e.kind === 'operator.action' && e.subject === 'frank').map((e) => [e.offset, e.detail])).toEqual([
      ['4m', 'removed Release orders from the source'],
      ['5m', 'put Release orders back into the source'],
    ]);
  });

  it('refuses to start when the timeline names a Release it never has, naming file, line and field', async () => {
    const world = await loadWorld(join(FIXTURE, 'world.yaml'));
    // The world's timeline promotes payments; this rehearsal starts with orders only.
    await expect(rehearse({ world, releases: [(await manifests())[0]!], untilMs: 60_000, http: false })).rejects.toMatchObject({
      code: 'InvalidWorld',
      problems: [expect.objectContaining({ path: 'timeline[0].release', line: expect.any(Number), message: expect.stringContaining('release payments is not among') })],
    });
  });
});
