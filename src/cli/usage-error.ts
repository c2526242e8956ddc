/** Wrong arguments: the CLI exits 2, as with any usage error. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'Usage';
}
