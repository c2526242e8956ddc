import { describe, expect, it } from 'vitest';
import { requireServices } from '../../../../controllers/release/preflight.js';
import { canaryRelease, observation, pass, service } from './plan-fixtures.js';

const release = canaryRelease('app:12');
const inactiveGreen = { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:11', { status: 'INACTIVE', desiredCount: 0, runningCount: 0 }) };

describe('requireServices', () => {
  it('stalls a Release outside a rollout whose named service was deleted (INACTIVE), naming it', () => {
    expect(() => requireServices(release, observation(inactiveGreen), { phase: 'Healthy', rollout: null })).toThrow(
      expect.objectContaining({ code: 'NotFound', message: expect.stringContaining('app-green (INACTIVE)') }),
    );
  });

  it('lets the plan revert a rollout whose new colour was deleted, but not one whose stable colour was', () => {
    const rolling = pass({ world: { blue: service('app-blue', 'app:11'), green: service('app-green', 'app:11', { desiredCount: 0, runningCount: 0 }), desired: 'app:12' } }).status;
    expect(rolling.rollout?.colour).toBe('green');
    expect(() => requireServices(release, observation(inactiveGreen), rolling)).not.toThrow();
    const inactiveBlue = { ...inactiveGreen, blue: service('app-blue', 'app:11', { status: 'DRAINING' }), green: service('app-green', 'app:12') };
    expect(() => requireServices(release, observation(inactiveBlue), rolling)).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
