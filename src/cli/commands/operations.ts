import type { Command } from 'commander';
import type { OperationKind } from '../client.js';
import { withServerOptions, type CommonOptions } from '../options.js';
import { refuseByFlag } from '../by-flag.js';
import { releaseNotFound, withClient } from './releases.js';

const WHAT: Record<string, string> = {
  promote: 'Skip the current pause or step of a rollout (--full: skip all remaining steps and the bake).',
  abort: 'Send all traffic back to the stable revision now; the revision stays blocked until retry.',
  retry: 'Allow a blocked (reverted or aborted) revision to roll out again.',
  restart: 'Roll the stable revision again through the strategy: new tasks (after a secret rotation), canaried, reverted if unhealthy.',
};

export function registerOperations(program: Command): void {
  for (const verb of ['promote', 'abort', 'retry', 'restart'] as const) {
    const command = withServerOptions(program.command(verb)).description(WHAT[verb] as string).argument('<name>', 'the Release');
    if (verb === 'promote') command.option('--full', 'skip every remaining step and the bake time');
    if (verb === 'promote') command.option('--override-window', 'move on even while the deployment window is closed (recorded in status)');
    if (verb === 'retry') command.option('--rerun-jobs', "run the revision's preDeploy jobs again, even those that succeeded");
    refuseByFlag(command)
      .addHelpText('after', `\nExample:\n  keelson ${verb} aep-backend-prod${verb === 'promote' ? ' --full' : ''}`)
      .action(async (name: string, options: CommonOptions & { full?: boolean; by?: string; overrideWindow?: boolean; rerunJobs?: boolean }) => {
        refuseByFlag.check(options);
        await withClient(options, async (client) => {
          if (!(await client.get(name))) return releaseNotFound(name);
          const kind: OperationKind = verb === 'promote' && options.full ? 'promoteFull' : verb;
          const op = await client.request(name, kind, {
            ...(options.overrideWindow ? { overrideWindow: true } : {}),
            ...(options.rerunJobs ? { rerunJobs: true } : {}),
          });
          console.log(`${kind} requested for ${name}${op.by ? ` by ${op.by}` : ''} (operation #${op.seq}); the controller applies it at its next pass`);
        });
      });
  }
}
