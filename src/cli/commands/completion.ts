import { Argument, type Command } from 'commander';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion.js';

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script for bash or zsh.')
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .addHelpText('after', '\nExamples:\n  source <(keelson completion bash)          in ~/.bashrc\n  source <(keelson completion zsh)           in ~/.zshrc')
    .action((shell: CompletionShell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
