import { describe, expect, it } from 'vitest';
import { checkGates } from '../../../src/api/gate-checks.js';
import { allowedNames, findPlaintextSecrets, nameRule, valueRule } from '../../../src/api/plaintext-secrets.js';
import type { Release } from '../../../src/api/types.js';

describe('the plaintext-secret rules', () => {
  it.each([
    ['DATABASE_PASSWORD', 'name:PASSWORD'],
    ['AWS_SECRET_ACCESS_KEY', 'name:SECRET'],
    ['OPENAI_API_KEY', 'name:API_KEY'],
    ['GITHUB_TOKEN', 'name:TOKEN'],
    ['JWT_PRIVATE_KEY', 'name:PRIVATE_KEY'],
    ['SMTP_CREDENTIALS', 'name:CREDENTIALS'],
    ['AUDIT_ENCRYPTION_KEY', 'name:ENCRYPTION_KEY'],
    ['db.passwd', 'name:PASSWD'],
  ])('refuses the name %s (%s)', (name, rule) => {
    expect(nameRule(name)).toBe(rule);
  });

  it.each(['TOKENIZER_MODE', 'PASSWORDLESS_LOGIN', 'DB_PASSWORD_SECRET_ARN', 'FEATURE_TOKEN_NAME', 'API_TOKEN_TTL', 'KEYCLOAK_REALM', 'LOG_LEVEL', 'SECRETARY_EMAIL'])(
    'lets the name %s through: whole words only, pointers to a secret are not the secret',
    (name) => {
      expect(nameRule(name)).toBeUndefined();
    },
  );

  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'value:aws-access-key-id'],
    ['key=ASIAY34FZKBOKMUTVV7A;', 'value:aws-access-key-id'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...', 'value:private-key'],
    ['postgres://app:s3cr3t@db.internal:5432/app', 'value:url-with-password'],
    ['xoxb-1234567890-abcdefghij', 'value:slack-token'],
  ])('refuses the value shape of %j (%s)', (value, rule) => {
    expect(valueRule(value)).toBe(rule);
  });

  it.each(['', 'postgres://db.internal:5432/app', 'postgres://app:${DB_PASSWORD}@db/app', 'https://example.com/a:b@c', 'AKIA-short', 'info'])('lets the value %j through', (value) => {
    expect(valueRule(value)).toBeUndefined();
  });

  it('inspects environment only, never secrets, and names findings without values; the allow-list moves them aside', () => {
    const containers = [
      {
        name: 'backend',
        environment: [
          { name: 'DATABASE_URL', value: 'postgres://app:hunter2@db/app' },
          { name: 'PUBLIC_SIGNUP_TOKEN', value: 'welcome' },
        ],
        secrets: [{ name: 'DATABASE_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }],
      },
      { name: 'worker', environment: [{ name: 'PUBLIC_SIGNUP_TOKEN', value: 'welcome' }] },
    ];
    const verdict = findPlaintextSecrets(containers, allowedNames({ 'keelson.dev/allow-plaintext': ' backend/PUBLIC_SIGNUP_TOKEN ' }));
    expect(verdict.refused).toEqual([
      { container: 'backend', name: 'DATABASE_URL', rule: 'value:url-with-password' },
      { container: 'worker', name: 'PUBLIC_SIGNUP_TOKEN', rule: 'name:TOKEN' },
    ]);
    expect(verdict.allowed).toEqual([{ container: 'backend', name: 'PUBLIC_SIGNUP_TOKEN', rule: 'name:TOKEN' }]);
    expect(JSON.stringify(verdict)).not.toContain('hunter2');
  });
});

describe('the gates fields, checked semantically', () => {
  const release = (name: string, from: string, allow?: string): Release =>
    ({
      apiVersion: 'keelson.dev/v1alpha1',
      kind: 'Release',
      metadata: { name, ...(allow !== undefined ? { annotations: { 'keelson.dev/allow-plaintext': allow } } : {}) },
      spec: { cluster: 'c', revision: { taskDefinition: 'a:1' }, strategy: { rolling: { service: 's' } }, promotion: { from: { release: from, stableFor: '1h' } } },
    }) as Release;

  it('refuses a Release promoted from itself, naming the field', () => {
    expect(checkGates(release('api', 'api'))).toEqual([expect.objectContaining({ path: ['spec', 'promotion', 'from', 'release'], code: 'semantic' })]);
    expect(checkGates(release('api', 'api-staging'))).toEqual([]);
  });

  it('refuses an allow-list entry that is not a variable name', () => {
    const found = checkGates(release('api', 'api-staging', 'GOOD,bad value'));
    expect(found).toEqual([expect.objectContaining({ path: ['metadata', 'annotations', 'keelson.dev/allow-plaintext'] })]);
    expect(found[0]?.message).toContain('"bad value"');
  });
});
