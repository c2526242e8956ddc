import { stat } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { formatProblem } from '../../api/problem.js';

export interface ValidateOptions {
  output: 'text' | 'json';
  /** Also check each Release's task definition in this cloud: aws | sim | sim:WORLD.yaml. */
  cloud?: string;
  region?: string;
}

/** Where the command writes; the CLI passes the process streams, tests collect the text. */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 all valid, 1 a manifest is invalid, 2 the command was used wrongly. */
export const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Validates the manifests under `paths` and reports; returns the exit code. */
export async function runValidate(paths: string[], options: ValidateOptions, io: Output = processOutput): Promise<number> {
  const usage = await usageProblem(paths);
  if (usage) {
    io.err(`keelson validate: ${usage}`);
    return EXIT.usage;
  }
  // The schema and the AWS SDK load when a validation runs, not for every keelson command.
  const [{ validatePaths }, { byPlace }, { claimConflicts, fieldPosition }] = await Promise.all([
    import('../../api/validate-paths.js'),
    import('../../api/validate.js'),
    import('../validate-positions.js'),
  ]);
  const result = await validatePaths(paths);
  result.problems = [...result.problems, ...claimConflicts(result.releases)].sort(byPlace);
  if (options.cloud && result.problems.length === 0) {
    const { cloudProblems } = await import('./validate-cloud.js');
    const found = await cloudProblems(result.releases, { cloud: options.cloud, ...(options.region ? { region: options.region } : {}) });
    result.problems = found.map((p) => ({ ...p, ...fieldPosition(p.file, p.line, ['spec', 'revision', 'taskDefinition']) })).sort(byPlace);
  }
  const valid = result.problems.length === 0;
  if (options.output === 'json') {
    io.out(JSON.stringify({ valid, problems: result.problems }, null, 2));
    return valid ? EXIT.valid : EXIT.invalid;
  }
  const troubled = new Set(result.problems.map((p) => p.file));
  for (const file of result.files) {
    if (troubled.has(file)) continue;
    const count = result.releases.filter((r) => r.file === file).length;
    io.out(`ok  ${file} (${plural(count, 'Release')})`);
  }
  for (const problem of result.problems) io.err(formatProblem(problem));
  if (!valid) {
    io.err(`${plural(result.problems.length, 'problem')} in ${plural(troubled.size, 'file')}`);
  }
  return valid ? EXIT.valid : EXIT.invalid;
}

/** Why the paths cannot be validated at all (missing, or naming no manifest), if they cannot. */
async function usageProblem(paths: string[]): Promise<string | undefined> {
  if (paths.length === 0) return 'give at least one file or folder';
  for (const path of paths) {
    try {
      await stat(path);
    } catch {
      return `${path}: no such file or directory`;
    }
  }
  const { expandPaths } = await import('../../api/validate-paths.js');
  const { files } = await expandPaths(paths);
  if (files.length === 0) return `no *.yaml or *.yml files in ${paths.join(', ')}`;
  return undefined;
}

export function registerValidate(program: Command, io: Output = processOutput): void {
  program
    .command('validate')
    .description('Check Release manifests (files, or folders of *.yaml/*.yml) against the schema and the semantic rules.')
    .argument('<paths...>', 'manifest files or folders')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--cloud <cloud>', 'also check each task definition for plaintext secrets in this cloud: aws | sim | sim:WORLD.yaml')
    .option('--region <region>', 'AWS region for --cloud aws (default: from the environment)')
    .action(async (paths: string[], options: ValidateOptions) => {
      process.exitCode = await runValidate(paths, options, io);
    });
}
