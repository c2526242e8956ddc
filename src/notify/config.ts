// The `notifications` section of the controller configuration, checked and turned into the
// Notifier's options. Environment variables are expanded before this point (by the config loader).

import { isDuration, parseDuration } from '../api/duration.js';
import type { BackoffPolicy } from './backoff.js';
import { isRolloutEventType } from './events.js';
import type { RolloutEventType } from './events.js';
import type { NotificationFormat, NotificationTarget } from './target.js';

export class NotificationConfigError extends Error {
  override readonly name = 'NotificationConfigError';
  readonly code = 'InvalidNotificationConfig';
  constructor(
    /** Field path, e.g. `notifications.targets[1].events[0]`. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export interface NotificationSettings {
  targets: NotificationTarget[];
  /** Targets whose url is empty (an unset optional secret): left out, named here for the log. */
  disabled: string[];
  queueLimit?: number;
  backoff?: Partial<BackoffPolicy>;
}

const FORMATS: readonly NotificationFormat[] = ['slack', 'json'];

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, path: string): Record<string, string> {
  if (!isFields(value)) throw new NotificationConfigError(path, 'must be a map of strings');
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new NotificationConfigError(`${path}.${key}`, 'must be a string');
  }
  return value as Record<string, string>;
}

function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw new NotificationConfigError(path, 'must be a list');
  return value.map((item, i) => {
    if (typeof item !== 'string' || item === '') throw new NotificationConfigError(`${path}[${i}]`, 'must be a non-empty string');
    return item;
  });
}

function duration(value: unknown, path: string): number {
  if (typeof value !== 'string' || !isDuration(value)) throw new NotificationConfigError(path, 'must be a duration such as 1s or 1m');
  return parseDuration(value);
}

function positiveInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new NotificationConfigError(path, 'must be a whole number of at least 1');
  return value;
}

function target(raw: unknown, path: string): NotificationTarget {
  if (!isFields(raw)) throw new NotificationConfigError(path, 'must be a map');
  const { name, format, events, releases, labels, headers } = raw;
  // `url: ${UNSET_VARIABLE:-}` expands to an empty YAML value, which is null: a disabled target.
  const url = 'url' in raw && raw.url === null ? '' : raw.url;
  if (typeof name !== 'string' || name === '') throw new NotificationConfigError(`${path}.name`, 'is required');
  if (typeof url !== 'string') throw new NotificationConfigError(`${path}.url`, 'is required');
  if (url !== '' && !/^https?:\/\//.test(url)) throw new NotificationConfigError(`${path}.url`, 'must be an http(s) URL');
  if (typeof format !== 'string' || !FORMATS.includes(format as NotificationFormat)) {
    throw new NotificationConfigError(`${path}.format`, `must be one of ${FORMATS.join(', ')}`);
  }
  const result: NotificationTarget = { name, url, format: format as NotificationFormat };
  if (events !== undefined) {
    result.events = stringList(events, `${path}.events`).map((type, i): RolloutEventType => {
      if (!isRolloutEventType(type)) throw new NotificationConfigError(`${path}.events[${i}]`, `unknown event type "${type}"`);
      return type;
    });
  }
  if (releases !== undefined) result.releases = stringList(releases, `${path}.releases`);
  if (labels !== undefined) result.labels = stringMap(labels, `${path}.labels`);
  if (headers !== undefined) result.headers = stringMap(headers, `${path}.headers`);
  return result;
}

/** Reads `notifications: {targets, queueLimit, retry: {maxAttempts, initialDelay, maxDelay}}`. */
export function notificationSettings(raw: unknown, path = 'notifications'): NotificationSettings {
  if (raw === undefined || raw === null) return { targets: [], disabled: [] };
  if (!isFields(raw)) throw new NotificationConfigError(path, 'must be a map');
  const targets = raw.targets === undefined ? [] : raw.targets;
  if (!Array.isArray(targets)) throw new NotificationConfigError(`${path}.targets`, 'must be a list');
  const parsed = targets.map((t, i) => target(t, `${path}.targets[${i}]`));
  const names = new Set<string>();
  parsed.forEach((t, i) => {
    if (names.has(t.name)) throw new NotificationConfigError(`${path}.targets[${i}].name`, `"${t.name}" is used twice`);
    names.add(t.name);
  });
  const settings: NotificationSettings = {
    targets: parsed.filter((t) => t.url !== ''),
    disabled: parsed.filter((t) => t.url === '').map((t) => t.name),
  };
  if (raw.queueLimit !== undefined) settings.queueLimit = positiveInteger(raw.queueLimit, `${path}.queueLimit`);
  if (raw.retry !== undefined) {
    if (!isFields(raw.retry)) throw new NotificationConfigError(`${path}.retry`, 'must be a map');
    const { maxAttempts, initialDelay, maxDelay } = raw.retry;
    const backoff: Partial<BackoffPolicy> = {};
    if (maxAttempts !== undefined) backoff.maxAttempts = positiveInteger(maxAttempts, `${path}.retry.maxAttempts`);
    if (initialDelay !== undefined) backoff.initialDelayMs = duration(initialDelay, `${path}.retry.initialDelay`);
    if (maxDelay !== undefined) backoff.maxDelayMs = duration(maxDelay, `${path}.retry.maxDelay`);
    settings.backoff = backoff;
  }
  return settings;
}
