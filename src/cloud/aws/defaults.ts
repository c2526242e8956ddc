// How keelson configures every AWS SDK client, in one place: the adapters build their clients
// with it, and the simulator retries its calls with the same settings.

export const AWS_DEFAULTS = {
  /** Attempts per request, retries included. */
  maxAttempts: 5,
  retryMode: 'adaptive',
  requestTimeoutMs: 15_000,
  connectionTimeoutMs: 5_000,
} as const;
