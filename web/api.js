// Requests to the keelson HTTP API with the bearer token the user gave (kept in sessionStorage,
// never in the URL). Refusals come back as ApiError with the API's code and message.

const TOKEN_KEY = 'keelson.token';

/** A token given as `#token=...` is kept for the session and removed from the address bar. */
export function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  setToken(decodeURIComponent(match[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function authHeaders() {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const error = json?.error;
    throw new ApiError(res.status, error?.code ?? `HTTP ${res.status}`, error?.message ?? (text.trim() || res.statusText));
  }
  return json;
}

/** What the user may do with a Release, as the server's whoami answers; no roles when the token is refused. */
export async function rolesFor(release) {
  try {
    const me = await api(`/api/v1/whoami?release=${encodeURIComponent(release)}`);
    return { actor: me.actor ?? null, roles: me.roles ?? [] };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return { actor: null, roles: [] };
    throw err;
  }
}
