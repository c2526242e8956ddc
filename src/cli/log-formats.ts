// The log formats a person can choose, apart from the logger itself: every command's start-up
// reads this list for --log-format, and only keelson run loads pino.
import type { LogFormat } from '../config/config.js';

export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];
