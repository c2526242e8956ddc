// Sample events read from the fixture files, typed.

import { readFileSync } from 'node:fs';
import type { RolloutEvent } from '../../../src/notify/events.js';

export function fixtureEvent(name: 'started' | 'reverted', overrides: Partial<RolloutEvent> = {}): RolloutEvent {
  const text = readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
  return { ...(JSON.parse(text) as RolloutEvent), ...overrides };
}
