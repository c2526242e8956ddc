import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NotificationConfigError, notificationSettings } from '../../../src/notify/config.js';

/** The expansion keelson.yaml documents: ${NAME} and ${NAME:-default}. */
function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => env[name] || (fallback ?? ''));
}

function exampleConfig(env: Record<string, string>): { notifications: unknown } {
  const text = readFileSync(new URL('../../../manifests/deploy/keelson.yaml', import.meta.url), 'utf8');
  return parse(expand(text, env)) as { notifications: unknown };
}

function problem(raw: unknown): string {
  try {
    notificationSettings(raw);
  } catch (err) {
    if (err instanceof NotificationConfigError) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('notification settings from the controller configuration', () => {
  it('reads the deployment example: Slack target, queue limit and retry policy', () => {
    const settings = notificationSettings(exampleConfig({ KEELSON_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' }).notifications);
    expect(settings).toEqual({
      targets: [
        {
          name: 'deploys',
          url: 'https://hooks.slack.com/services/T/B/x',
          format: 'slack',
          events: ['RolloutStarted', 'Paused', 'Promoted', 'Reverted', 'Aborted', 'DriftCorrected'],
        },
      ],
      disabled: [],
      queueLimit: 500,
      backoff: { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 60_000 },
    });
  });

  it('leaves out a target whose URL is empty because its secret was not given', () => {
    const settings = notificationSettings(exampleConfig({}).notifications);
    expect(settings.targets).toEqual([]);
    expect(settings.disabled).toEqual(['deploys']);
  });

  it('also leaves out a target whose url expanded to nothing, unquoted', () => {
    const settings = notificationSettings(parse('targets: [{name: deploys, format: slack, url: }]'));
    expect(settings).toEqual({ targets: [], disabled: ['deploys'] });
    expect(problem({ targets: [{ name: 'deploys', format: 'slack' }] })).toBe('notifications.targets[0].url: is required');
  });

  it('has no targets when the section is absent', () => {
    expect(notificationSettings(undefined)).toEqual({ targets: [], disabled: [] });
  });

  it('names the field that is wrong', () => {
    const ok = { name: 'a', url: 'https://x.example.com', format: 'json' };
    expect(problem({ targets: [{ ...ok, format: 'teams' }] })).toBe('notifications.targets[0].format: must be one of slack, json');
    expect(problem({ targets: [ok, { ...ok, events: ['Promoted', 'Deployed'] }] })).toBe(
      'notifications.targets[1].events[1]: unknown event type "Deployed"',
    );
    expect(problem({ targets: [{ ...ok, url: 'ftp://x' }] })).toBe('notifications.targets[0].url: must be an http(s) URL');
    expect(problem({ targets: [ok, ok] })).toBe('notifications.targets[1].name: "a" is used twice');
    expect(problem({ targets: [{ ...ok, labels: { env: 1 } }] })).toBe('notifications.targets[0].labels.env: must be a string');
    expect(problem({ retry: { initialDelay: 'soon' } })).toBe('notifications.retry.initialDelay: must be a duration such as 1s or 1m');
    expect(problem({ queueLimit: 0 })).toBe('notifications.queueLimit: must be a whole number of at least 1');
  });
});
