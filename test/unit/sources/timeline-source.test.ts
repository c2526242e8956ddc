// Under `keelson run --cloud sim:WORLD` the timeline's Releases win over the user's sources,
// which are only ever read: what the timeline applies or removes hides the user's copy.
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../../src/sources/memory.js';
import { shadowedBy, TimelineSource } from '../../../src/sources/timeline-source.js';
import { readFileSync } from 'node:fs';

const manifest = (name: string, revision: string): string =>
  readFileSync(new URL('../../fixtures/sim/equivalence/releases/orders.yaml', import.meta.url), 'utf8').replace('name: orders', `name: ${name}`).replace('taskDefinition: "orders:2"', `taskDefinition: "${revision}"`);

const names = async (source: { snapshot(): Promise<{ releases: { name: string; release?: { spec: { revision: { taskDefinition?: string } } } }[] }> }): Promise<string[]> =>
  (await source.snapshot()).releases.map((r) => `${r.name}@${r.release?.spec.revision.taskDefinition}`);

describe('the timeline source and the user sources it shadows', () => {
  it('hides what it applies or removes, and shows it again once put back', async () => {
    const user = new MemorySource('user folder');
    user.applyText(manifest('orders', 'orders:1'), 'orders.yaml');
    user.applyText(manifest('cart', 'orders:1'), 'cart.yaml');
    const timeline = new TimelineSource('timeline');
    const seen = shadowedBy(user, timeline);
    let changes = 0;
    seen.watch(() => changes++);

    timeline.applyText(manifest('orders', 'orders:2'), 'v2.yaml');
    expect(await names(seen)).toEqual(['cart@orders:1']);
    expect(await names(timeline)).toEqual(['orders@orders:2']);

    timeline.delete('cart');
    expect(changes).toBe(1);
    expect(await names(seen)).toEqual([]);
    timeline.restore('cart');
    expect(changes).toBe(2);
    expect(await names(seen)).toEqual(['cart@orders:1']);

    // Its own Release comes back as last applied.
    timeline.delete('orders');
    expect(await names(timeline)).toEqual([]);
    expect(await names(seen)).toEqual(['cart@orders:1']);
    expect(timeline.restore('orders')?.release?.spec.revision.taskDefinition).toBe('orders:2');
    expect(await names(timeline)).toEqual(['orders@orders:2']);
    expect(await names(seen)).toEqual(['cart@orders:1']);
    expect(await names(user)).toEqual(['cart@orders:1', 'orders@orders:1']);
  });
});
