// A world file's load problems as a person reads them: `file:line:col path: message`.
import { formatProblem } from '../../../src/api/problem.js';
import { loadWorld, WorldError } from '../../../src/sim/world-loader.js';

export const invalid = (name: string): string => new URL(`../../fixtures/sim/invalid/${name}`, import.meta.url).pathname;

export async function problems(file: string): Promise<string[]> {
  try {
    await loadWorld(file);
  } catch (err) {
    if (err instanceof WorldError) return err.problems.map((p) => formatProblem({ ...p, file: p.file.split('/').pop() ?? p.file }));
    throw err;
  }
  throw new Error(`${file} loaded without problems`);
}
