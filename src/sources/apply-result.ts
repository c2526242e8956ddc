// What writing a Release to a source did, and why it may refuse.

export interface ApplyResult {
  result: 'created' | 'updated' | 'unchanged';
  generation: number;
}

export interface ApplyOptions {
  /** The generation the caller read; the write is refused if the source has moved on since. */
  expectedGeneration?: number;
  /** Who asked, recorded where the source can keep it. */
  by?: string;
}

export class ApplyConflictError extends Error {
  override readonly name = 'ApplyConflictError';
  readonly code = 'Conflict';
  constructor(
    message: string,
    readonly release: string,
    readonly currentGeneration?: number,
  ) {
    super(message);
  }
}
