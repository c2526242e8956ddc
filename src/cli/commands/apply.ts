import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatProblem } from '../../api/problem.js';
import type { Release } from '../../api/types.js';
import { RealClock } from '../../runtime/clock.js';
import type { KeelsonConfig } from '../../config/config.js';
import { resolveConfig, withConfigOptions, type CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** Reads and validates a manifest file; invalid input is reported and nothing is written. */
async function readReleases(file: string): Promise<Release[] | undefined> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`${file}: cannot read the file`);
  });
  const { parseReleases } = await import('../../api/load.js');
  const parsed = parseReleases(text, file);
  const problems = parsed.releases.flatMap((r) => r.problems);
  if (problems.length > 0) {
    for (const p of problems) console.error(formatProblem(p));
    process.exitCode = 1;
    return undefined;
  }
  return parsed.releases.map((r) => r.release).filter((r): r is Release => r !== undefined);
}

function writableSource(config: KeelsonConfig) {
  const source = config.sources[0];
  if (!source) throw new UsageError('no source configured (use --source dir:PATH or --source dynamodb:TABLE)');
  if (source.kind === 'git') throw new UsageError('a Git source is changed by a commit: edit the manifest in the repository and push');
  return source;
}

export function registerApply(program: Command): void {
  withConfigOptions(program.command('apply'))
    .description('Write Releases to the configured source (a folder or a DynamoDB table); only a changed spec makes a new generation.')
    .requiredOption('-f, --filename <file>', 'manifest file (one or more Releases)')
    .option('--expected-generation <n>', 'refuse to write unless the stored generation is this one (optimistic concurrency)')
    .addHelpText('after', '\nExamples:\n  keelson apply -f manifests/examples/aep-backend-canary.yaml --source dir:releases\n  keelson apply -f release.yaml --source dynamodb:keelson-releases --expected-generation 7')
    .action(async (options: CommonOptions & { filename: string; expectedGeneration?: string }) => {
      // Sources load the AWS SDK and the schema: imported when the command runs, not for --help.
      const [{ dirLedgerFile, dynamoClientFor }, { applyToDirectory }, { applyRelease }] = await Promise.all([
        import('../../config/open.js'),
        import('../../sources/dir.js'),
        import('../../sources/dynamodb-apply.js'),
      ]);
      const releases = await readReleases(options.filename);
      if (!releases) return;
      const config = await resolveConfig(options, process.env);
      const source = writableSource(config);
      const expected = options.expectedGeneration === undefined ? {} : { expectedGeneration: Number(options.expectedGeneration) };
      // The first apply into a new checkout makes the folder (the default source is ./releases).
      if (source.kind === 'dir') await mkdir(source.path, { recursive: true });
      for (const release of releases) {
        const answer =
          source.kind === 'dir'
            ? await applyToDirectory(source.path, release, { ...expected, ...(dirLedgerFile(source.path, config) ? { ledgerFile: dirLedgerFile(source.path, config) as string } : {}) })
            : await applyRelease(dynamoClientFor(config.cloud), source.table, release, { ...expected, by: process.env.USER ?? 'keelson' });
        console.log(`release/${release.metadata.name} ${answer.result} (generation ${answer.generation})`);
      }
    });

  withConfigOptions(program.command('diff'))
    .description('Show what `apply -f` would change in the configured source, as a unified diff (live → file); exit 0: no differences, 1: differences, 2: an error.')
    .requiredOption('-f, --filename <file>', 'manifest file')
    .addHelpText('after', '\nExamples:\n  keelson diff -f release.yaml --source dir:releases\n  keelson diff -f release.yaml --source dynamodb:keelson-releases && echo "nothing to apply"\n\nExit codes, as kubectl diff: 0 no differences, 1 differences, 2 an error (an invalid file, an unreadable source).')
    .action(async (options: CommonOptions & { filename: string }) => {
      try {
        process.exitCode = await diffReleases(options);
      } catch (err) {
        // As kubectl diff: an error is above 1, never mistaken for "differences found".
        if (err instanceof UsageError) throw err;
        console.error(`keelson: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 2;
      }
    });
}

/** Prints each Release's unified diff; 0 when nothing would change, 1 when something would, 2 on an invalid file. */
async function diffReleases(options: CommonOptions & { filename: string }): Promise<number> {
  const [{ openSource }, { stringify }] = await Promise.all([import('../../config/open.js'), import('yaml')]);
  const releases = await readReleases(options.filename);
  if (!releases) return 2;
  const config = await resolveConfig(options, process.env);
  const settings = config.sources[0] ?? writableSource(config);
  const source = await openSource(settings, config, { clock: new RealClock(), env: process.env });
  try {
    // The first apply makes a folder source's folder: until then every Release in the file is new.
    const unmade = settings.kind === 'dir' && !existsSync(settings.path);
    const snapshot = unmade ? { releases: [] } : await source.snapshot();
    const colour = process.stdout.isTTY === true;
    // Loaded here: the diff library is for this command only, not every command's start-up.
    const [{ releaseDiff }, { manifestOf }] = await Promise.all([import('../release-diff.js'), import('../../api/manifest.js')]);
    let changed = false;
    for (const release of releases) {
      const current = snapshot.releases.find((r) => r.name === release.metadata.name)?.release;
      const text = releaseDiff(
        {
          name: `release/${release.metadata.name}`,
          live: current ? stringify(manifestOf(current)) : undefined,
          file: stringify(manifestOf(release)),
          source: source.description,
          filename: options.filename,
        },
        colour,
      );
      if (text === undefined) continue;
      changed = true;
      console.log(text);
    }
    return changed ? 1 : 0;
  } finally {
    await source.close();
  }
}
