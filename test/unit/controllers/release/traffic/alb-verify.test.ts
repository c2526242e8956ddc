import { describe, expect, it } from 'vitest';
import { albRouter } from '../../../../../controllers/release/traffic/alb.js';

const router = albRouter({
  listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb/1/2',
  targetGroups: { blue: 'arn:tg/blue', green: 'arn:tg/green' },
});
const T0 = Date.parse('2026-03-01T12:00:00Z');

describe('ALB router: verify', () => {
  it('counts weights read back from the listener as in effect at once, with nothing to remember', () => {
    expect(router.verify({ weights: { blue: 90, green: 10 } }, null, T0)).toEqual({ settled: true });
  });

  it('is not settled while the listener weights could not be read back', () => {
    expect(router.verify({}, null, T0)).toMatchObject({ settled: false, message: expect.stringContaining('read') });
  });
});
