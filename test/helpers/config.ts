import { ConfigError, parseConfig } from '../../src/config/load.js';

/** The lines of the error keelson.yaml `text` is refused with; none when it is accepted. */
export function configProblems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, 'keelson.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}
