#!/usr/bin/env node
import { CommanderError } from 'commander';
import { formatProblem, type ManifestProblem } from '../api/problem.js';
import { UsageError } from './usage-error.js';
import { buildProgram } from './program.js';

/** Exit codes: 0 success, 1 a failure to report (invalid input, a reverted rollout), 2 usage. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError || (err as { code?: string }).code === 'InvalidFlag') {
      console.error(`keelson: ${(err as Error).message}`);
      return 2;
    }
    const problems = (err as { problems?: ManifestProblem[] }).problems;
    if (Array.isArray(problems) && problems.length > 0) {
      for (const p of problems) console.error(formatProblem(p));
    } else {
      console.error(`keelson: ${err instanceof Error ? err.message : String(err)}`);
    }
    return 1;
  }
}

// `keelson get releases | head`: the reader has gone, so there is nobody to tell; end quietly as
// Unix tools do on SIGPIPE (which Node ignores) rather than with an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});
process.exitCode = await main(process.argv);
