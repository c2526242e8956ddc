// The keelson command tree: every command, its flags and the top-level help.
import { Command } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerDemo } from './commands/demo.js';
import { registerOperations } from './commands/operations.js';
import { registerReleases } from './commands/releases.js';
import { registerRun } from './commands/run.js';
import { registerWait } from './commands/wait.js';
import { registerRehearse } from './commands/rehearse.js';
import { registerValidate } from './commands/validate.js';
import { registerApprove } from './commands/approve.js';
import { registerHistory } from './commands/history.js';
import { registerCompletion } from './commands/completion.js';
import { keelsonVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('keelson')
    .description('A reconciling release controller for Amazon ECS: progressive rollouts that revert on their own.')
    .version(keelsonVersion(), '-V, --version', 'print the version of keelson')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  keelson validate manifests/examples                      check manifests: file, line and field of each problem
  keelson rehearse --world manifests/sim/world.yaml --releases manifests/examples
                                                           what keelson would do, in virtual time
  keelson apply -f release.yaml --source dir:releases      write a Release to the folder source
  keelson run --source dir:releases --cloud sim            the controller, on the simulated AWS
  keelson get releases                                     phase, step, weights, stable → desired
  keelson wait aep-backend-prod --timeout 45m              in a pipeline: exit 0 only when promoted
  keelson approve aep-backend-prod                         approve the revision an approval gate waits for
  keelson history aep-backend-prod                         who did what, when, to which revision
  keelson demo                                             a minute-long tour on the simulated AWS
  source <(keelson completion bash)                        tab completion for commands and flags

Run keelson COMMAND --help for a command's options and examples.`,
    );
  registerRun(program);
  registerValidate(program);
  registerApply(program);
  registerReleases(program);
  registerOperations(program);
  registerWait(program);
  registerRehearse(program);
  registerDemo(program);
  registerApprove(program);
  registerHistory(program);
  registerCompletion(program);
  return program;
}
