import type { Command } from 'commander';
import { formatDuration } from '../../api/duration.js';
import { RealClock } from '../../runtime/clock.js';
import { withServerOptions, type CommonOptions } from '../options.js';
import { durationFlag, UsageError } from '../usage-error.js';
import { evidenceLines, WAIT_EXIT, waitVerdict } from '../wait-verdict.js';
import { openClient } from './releases.js';

export function registerWait(program: Command): void {
  withServerOptions(program.command('wait'))
    .description('Wait until a Release\'s desired revision is stable and healthy (exit 0), or was reverted, aborted or blocked (exit 1), or --timeout passed (exit 3).')
    .argument('<name>', 'the Release')
    .option('--revision <rev>', 'the revision to wait for (family:revision); default: the desired revision in status')
    .option('--generation <n>', 'judge only a status that has seen this generation of the spec (the one `keelson apply` printed)')
    .option('--timeout <duration>', 'give up after this long', '30m')
    .option('--interval <duration>', 'how often to look', '5s')
    .addHelpText(
      'after',
      '\nIn a pipeline, after committing or applying a new revision:\n  keelson wait aep-backend-prod --revision aep-backend-prod:12 --timeout 45m\n  keelson wait aep-backend-prod --generation 8 --timeout 45m     after `keelson apply` printed generation 8',
    )
    .action(async (name: string, options: CommonOptions & { revision?: string; generation?: string; timeout: string; interval: string }) => {
      const timeoutMs = durationFlag('--timeout', options.timeout);
      const intervalMs = durationFlag('--interval', options.interval);
      const generation = options.generation === undefined ? undefined : Number(options.generation);
      if (generation !== undefined && !(Number.isSafeInteger(generation) && generation > 0)) throw new UsageError(`--generation ${options.generation}: a whole number above 0`);
      const clock = new RealClock();
      const client = await openClient(options);
      const deadline = clock.now() + timeoutMs;
      let said = '';
      let looked = false;
      try {
        for (;;) {
          const status = await client.get(name);
          if (!status && !looked) {
            looked = true;
            if ((await client.inSource(name)) === 'no') {
              console.error(`keelson: release ${name} is not in the controller's sources`);
              process.exitCode = WAIT_EXIT.usage;
              return;
            }
          }
          const verdict = waitVerdict(status, options.revision, generation);
          if (verdict.done) {
            (verdict.exitCode === 0 ? console.log : console.error)(`${name}: ${verdict.message}`);
            if (verdict.exitCode !== 0) for (const line of evidenceLines(status)) console.error(line);
            process.exitCode = verdict.exitCode;
            return;
          }
          if (verdict.message !== said) {
            console.log(`${name}: ${verdict.message}`);
            said = verdict.message;
          }
          if (clock.now() >= deadline) {
            console.error(`${name}: not stable after ${formatDuration(timeoutMs)} (${verdict.message})`);
            process.exitCode = WAIT_EXIT.timeout;
            return;
          }
          await clock.sleep(Math.min(intervalMs, Math.max(0, deadline - clock.now())));
        }
      } finally {
        await client.close();
      }
    });
}
