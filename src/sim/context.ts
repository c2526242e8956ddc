// What every part of the simulated world shares: identity, the event log and id generation.

import type { EventLog } from './events.js';
import type { Random } from './random.js';

export interface SimContext {
  readonly account: string;
  readonly region: string;
  readonly events: EventLog;
  /** Draws ids (task ids, deployment ids, change ids) in a deterministic order. */
  readonly ids: Random;
}
