// The CLI's HTTP client tells a Release the controller holds (even one not reconciled yet) from
// a name in none of its sources: what lets `keelson wait --server` fail fast on a typo.
import { afterEach, describe, expect, it } from 'vitest';
import { httpClient } from '../../../src/cli/client.js';
import { startHarness, TOKEN, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.server.close());

describe('httpClient.inSource', () => {
  it('says yes for a held Release with or without a status, and no for a name the controller does not hold', async () => {
    h = await startHarness();
    await h.putStatus('web', { phase: 'Healthy', stableRevision: 'web:3', weights: null });
    h.held.push('web', 'worker');
    const client = httpClient(h.url, TOKEN);
    expect(await client.inSource('web')).toBe('yes');
    expect(await client.inSource('worker')).toBe('yes');
    expect(await client.inSource('wrker')).toBe('no');
  });
});
