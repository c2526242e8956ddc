/** One thing wrong with a manifest, located so a person can find and fix it. */
export interface ManifestProblem {
  /** Path of the file (or a source-specific location such as `dynamodb:table/name`). */
  file: string;
  /** 1-based; 0 when the location is unknown. */
  line: number;
  column: number;
  /** Field path, e.g. `spec.strategy.canary.steps[2].setWeight`; empty for the whole document. */
  path: string;
  message: string;
  /**
   * Stable code: `yaml`, `schema`, `duration`, `semantic`, `duplicate`, `io`, `limit` (an input limit,
   * src/api/limits.ts); with `validate --cloud`: `plaintext` (a secret in a task definition's
   * environment) and `cloud` (the task definition could not be read).
   */
  code: 'yaml' | 'schema' | 'duration' | 'semantic' | 'duplicate' | 'io' | 'limit' | 'plaintext' | 'cloud';
}

/** `manifests/aep.yaml:14:9 spec.strategy.canary.steps[2].setWeight: must be at most 100 (got 150)` */
export function formatProblem(p: ManifestProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}
