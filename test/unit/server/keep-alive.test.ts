import { describe, expect, it } from 'vitest';
import { HTTP_SERVER_DEFAULTS } from '../../../src/server/http.js';
import { keepAliveTimeouts } from '../../../src/server/keep-alive.js';

describe('http.keepAlive', () => {
  it('sets how long an idle connection waits for its next request', () => {
    expect(keepAliveTimeouts(65_000).keepAliveMs).toBe(65_000);
  });

  it('raises the idle socket limit with it, which would otherwise close the connection first', () => {
    expect(keepAliveTimeouts(65_000).idleSocketMs).toBe(65_000);
    // Never lowers it below the default: a silent client is still cut off as before.
    expect(keepAliveTimeouts(1_000).idleSocketMs).toBe(HTTP_SERVER_DEFAULTS.timeouts.idleSocketMs);
  });
});
