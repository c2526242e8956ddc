// The HTTP API's identities from keelson.yaml, their secrets read: the single apiToken and the
// named tokens and OIDC settings of http.auth.
import type { JWSAlgorithm } from 'jose';
import { parseScope } from '../server/access.js';
import type { AuthOptions } from '../server/authenticate.js';
import { DEFAULT_ALGORITHMS } from '../server/oidc.js';
import type { HttpConfig } from './config.js';
import { resolveSecret } from './secrets.js';

export interface HttpIdentities {
  apiToken?: string;
  auth?: AuthOptions;
}

/**
 * `KEELSON_API_TOKEN` is the apiToken when keelson.yaml names none, so `KEELSON_API_TOKEN=… keelson
 * run` works without a file, as the HTTP API's documentation says.
 */
export async function httpIdentities(http: HttpConfig, env: Record<string, string | undefined>): Promise<HttpIdentities> {
  const apiToken = http.apiToken ? await resolveSecret(http.apiToken, env) : env.KEELSON_API_TOKEN || undefined;
  if (!http.auth) return apiToken ? { apiToken } : {};
  const tokens = [];
  for (const t of http.auth.tokens) tokens.push({ name: t.name, token: await resolveSecret(t.token, env), roles: t.roles, ...(t.scope ? { scope: t.scope } : {}) });
  const oidc = http.auth.oidc;
  const auth: AuthOptions = {
    tokens,
    ...(oidc
      ? {
          oidc: {
            issuer: oidc.issuer,
            audience: oidc.audience,
            ...(oidc.jwksUri ? { jwksUri: oidc.jwksUri } : {}),
            nameClaim: oidc.nameClaim,
            groupsClaim: oidc.groupsClaim,
            algorithms: (oidc.algorithms as JWSAlgorithm[] | undefined) ?? DEFAULT_ALGORITHMS,
            clockToleranceS: oidc.clockToleranceMs / 1000,
            bindings: oidc.bindings.map((b) => {
              const scope = parseScope(b.scope);
              return { ...(b.group !== undefined ? { group: b.group } : {}), ...(b.subject !== undefined ? { subject: b.subject } : {}), grant: { roles: b.roles, ...(scope ? { scope } : {}) } };
            }),
          },
        }
      : {}),
  };
  return { ...(apiToken ? { apiToken } : {}), auth };
}
