/** The few outcomes the reconciler can act on; AWS errors are mapped to these once, at the edge. */
export type CloudErrorCode =
  | 'NotFound'
  | 'Throttled'
  | 'Conflict'
  | 'AccessDenied'
  | 'Invalid'
  | 'Unavailable'
  | 'Timeout';

export class CloudError extends Error {
  override readonly name = 'CloudError';
  constructor(
    readonly code: CloudErrorCode,
    message: string,
    readonly details: { service?: string; operation?: string; awsCode?: string; cause?: unknown } = {},
  ) {
    super(message);
  }

  /** Worth retrying after a backoff: the same call may succeed later. */
  get retryable(): boolean {
    return this.code === 'Throttled' || this.code === 'Unavailable' || this.code === 'Timeout' || this.code === 'Conflict';
  }
}

export function isCloudError(err: unknown, code?: CloudErrorCode): err is CloudError {
  return err instanceof CloudError && (code === undefined || err.code === code);
}
