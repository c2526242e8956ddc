// `--by` once named who asked for an operation; the actor is now who the server authenticated,
// or the OS user against the state store. The flag is kept hidden so that passing it says why it
// went rather than "unknown option".
import { Option, type Command } from 'commander';
import { UsageError } from './usage-error.js';

export function refuseByFlag(command: Command): Command {
  return command.addOption(new Option('--by <who>').hideHelp());
}

refuseByFlag.check = (options: { by?: string }): void => {
  if (options.by === undefined) return;
  throw new UsageError(
    '--by is no longer accepted: with --server the operation is recorded with the identity your token proves (GET /api/v1/whoami shows it), against the state store with local:<your user name>',
  );
};
