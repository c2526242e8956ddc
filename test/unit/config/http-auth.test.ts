// http.auth in keelson.yaml: named tokens and OIDC read with their defaults, mistakes reported
// where they are, and the secrets resolved (KEELSON_API_TOKEN standing in for a missing apiToken).
import { describe, expect, it } from 'vitest';
import { httpIdentities } from '../../../src/config/http-auth.js';
import { ConfigError, parseConfig } from '../../../src/config/load.js';

const problems = (text: string): string[] => {
  try {
    parseConfig(text, 'keelson.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
};

describe('http.auth', () => {
  it('reads named tokens and OIDC with their defaults, and makes reads need an identity', () => {
    const config = parseConfig(
      `http:
  auth:
    tokens:
      - { name: ci, token: {env: CI_TOKEN}, roles: [operator], scope: { labelSelector: "team=aep" } }
    oidc:
      issuer: https://login.example.com
      audience: keelson
      bindings:
        - { group: sre, roles: [approver] }
`,
      'keelson.yaml',
      {},
    );
    expect(config.http.readsRequireToken).toBe(true);
    expect(config.http.auth).toEqual({
      tokens: [{ name: 'ci', token: { env: 'CI_TOKEN' }, roles: ['operator'], scope: { labelSelector: 'team=aep' } }],
      oidc: { issuer: 'https://login.example.com', audience: 'keelson', nameClaim: 'sub', groupsClaim: 'groups', clockToleranceMs: 30_000, bindings: [{ group: 'sre', roles: ['approver'] }] },
    });
  });

  it('keeps reads open with only the single apiToken, and when the file says so', () => {
    expect(parseConfig('http:\n  apiToken: x\n', 'keelson.yaml', {}).http.readsRequireToken).toBe(false);
    const open = parseConfig('http:\n  readsRequireToken: false\n  auth:\n    tokens: [{ name: a, token: t, roles: [viewer] }]\n', 'keelson.yaml', {});
    expect(open.http.readsRequireToken).toBe(false);
  });

  it('reports a duplicate or reserved name, an unknown role, a bad selector and a binding with both group and subject', () => {
    expect(
      problems(`http:
  auth:
    tokens:
      - { name: a, token: t1, roles: [viewer] }
      - { name: a, token: t2, roles: [viewer] }
      - { name: api-token, token: t3, roles: [viewer] }
      - { name: b, token: t4, roles: [viewer], scope: { labelSelector: "env in (prod" } }
`),
    ).toEqual([
      'http.auth.tokens[1].name: another token is named a: names are recorded as who asked, so each is unique',
      'http.auth.tokens[2].name: api-token is the name of http.apiToken; choose another',
      expect.stringMatching(/^http\.auth\.tokens\[3\]\.scope\.labelSelector: .*at position 12$/),
    ]);
    expect(problems('http:\n  auth:\n    tokens: [{ name: a, token: t, roles: [admin] }]\n')).toEqual(['http.auth.tokens[0].roles[0]: must be one of viewer, operator, approver']);
    expect(problems('http:\n  auth:\n    oidc: { issuer: https://i.example, audience: k, bindings: [{ group: g, subject: s, roles: [viewer] }] }\n')).toEqual([
      'http.auth.oidc.bindings[0]: must name exactly one of group, subject',
    ]);
  });

  it('resolves the tokens, and takes KEELSON_API_TOKEN as the apiToken when the file names none', async () => {
    const config = parseConfig('http:\n  auth:\n    tokens: [{ name: ci, token: {env: CI_TOKEN}, roles: [operator] }]\n', 'keelson.yaml', {});
    const identities = await httpIdentities(config.http, { CI_TOKEN: 'ci-secret', KEELSON_API_TOKEN: 'from-env' });
    expect(identities.apiToken).toBe('from-env');
    expect(identities.auth?.tokens).toEqual([{ name: 'ci', token: 'ci-secret', roles: ['operator'] }]);
    const named = parseConfig('http:\n  apiToken: from-file\n', 'keelson.yaml', {});
    expect((await httpIdentities(named.http, { KEELSON_API_TOKEN: 'from-env' })).apiToken).toBe('from-file');
    expect(await httpIdentities(named.http, {})).toEqual({ apiToken: 'from-file' });
  });
});
