import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import type { Release } from '../../api/types.js';
import type { ManifestText } from '../../rehearse/rehearse.js';
import { formatTable } from '../format.js';
import { failureLines, REHEARSE_EXIT, rehearsalFailures } from '../rehearse-verdict.js';
import { formatTimelineLine } from '../timeline-format.js';
import { durationFlag, UsageError } from '../usage-error.js';

export function registerRehearse(program: Command): void {
  program
    .command('rehearse')
    .description('Run Releases against a simulated AWS world in virtual time and show what keelson would do; exits 1 when a Release ends reverted, aborted, blocked, stalled or invalid.')
    .requiredOption('--world <file>', 'world file (see docs/sim-world.md), e.g. manifests/sim/world.yaml')
    .requiredOption('--releases <path...>', 'Release manifests: files or folders')
    .option('--until <duration>', 'virtual time to run', '90m')
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText('after', '\nExample:\n  keelson rehearse --world manifests/sim/world.yaml --releases manifests/examples --until 2h\n')
    .action(async (options: { world: string; releases: string[]; until: string; output: string }) => {
      if (!['text', 'json'].includes(options.output)) throw new UsageError(`-o must be text or json (got ${options.output})`);
      const untilMs = durationFlag('--until', options.until);
      // The simulator and the controller load when a rehearsal runs, not for every keelson command.
      const [{ rehearse }, { loadWorld }] = await Promise.all([import('../../rehearse/rehearse.js'), import('../../sim/world-loader.js')]);
      const world = await loadWorld(options.world);
      const releases = await readManifests(options.releases);
      const json = options.output === 'json';
      const result = await rehearse({
        world,
        releases,
        untilMs,
        ...(json ? {} : { onLine: (line) => console.log(formatTimelineLine(line)) }),
      });
      if (json) {
        console.log(JSON.stringify(result, null, 2));
      } else {
        console.log('');
        const specs = await manifestsByName(releases);
        console.log(formatTable(result.releases.filter((r) => r.status).map((r) => ({ name: r.name, status: r.status!, release: specs.get(r.name) ?? null })), Date.parse(result.endedAt)));
      }
      const failures = rehearsalFailures(result.releases);
      for (const line of failureLines(failures)) console.error(line);
      process.exitCode = failures.length > 0 ? REHEARSE_EXIT.failed : REHEARSE_EXIT.clean;
    });
}

/** The manifests of files and folders, each parsed once here for the rehearsal and the table alike. */
export async function readManifests(paths: string[], fileName: (file: string) => string = (file) => file): Promise<ManifestText[]> {
  const { parseManifests } = await import('../../rehearse/rehearse.js');
  return parseManifests((await readManifestTexts(paths)).map((m) => ({ ...m, file: fileName(m.file) })));
}

async function readManifestTexts(paths: string[]): Promise<ManifestText[]> {
  const out: ManifestText[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`${path}: no such file or folder`);
    if (info.isDirectory()) {
      const entries = (await readdir(path, { recursive: true })).map(String).sort();
      for (const entry of entries) {
        if (['.yaml', '.yml'].includes(extname(entry))) out.push({ file: join(path, entry), text: await readFile(join(path, entry), 'utf8') });
      }
    } else {
      out.push({ file: path, text: await readFile(path, 'utf8') });
    }
  }
  return out;
}

/** The valid Releases of the manifests, by name: the table counts a rollout's steps from them. */
export async function manifestsByName(manifests: readonly ManifestText[]): Promise<Map<string, Release>> {
  const { parseReleases } = await import('../../api/load.js');
  const out = new Map<string, Release>();
  for (const m of manifests) for (const r of (m.parsed ?? parseReleases(m.text, m.file)).releases) if (r.release) out.set(r.release.metadata.name, r.release);
  return out;
}
