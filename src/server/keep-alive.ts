// http.keepAlive: a connection behind a load balancer must outlive the balancer's idle timeout,
// or the balancer may send a request on a connection keelson has just closed and answer 502.
// The idle-socket limit closes any socket that quiet, so it may not be the shorter one.
import { HTTP_SERVER_DEFAULTS, type HttpTimeouts } from './http.js';

export function keepAliveTimeouts(keepAliveMs: number): Pick<HttpTimeouts, 'keepAliveMs' | 'idleSocketMs'> {
  return { keepAliveMs, idleSocketMs: Math.max(HTTP_SERVER_DEFAULTS.timeouts.idleSocketMs, keepAliveMs) };
}
