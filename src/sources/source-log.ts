// What a source logs through: pino's logger fits; silent when none is given.
export interface SourceLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export const SILENT_SOURCE_LOGGER: SourceLogger = {
  debug: () => undefined,
  warn: () => undefined,
};
