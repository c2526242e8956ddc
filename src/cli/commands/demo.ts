import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the controller on the simulated AWS and the example Releases, in accelerated time.')
    .action(() => {
      console.log('keelson demo: the controller on the simulated AWS world in manifests/sim/ (coming with the reconciler).');
    });
}
