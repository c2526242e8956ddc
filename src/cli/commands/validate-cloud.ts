// `keelson validate --cloud`: the plaintext-secret check the controller runs before a rollout,
// ahead of time, on the task definition each Release names. Names only, never values.
import { allowedNames, describeFindings, findPlaintextSecrets } from '../../api/plaintext-secrets.js';
import type { ManifestProblem } from '../../api/problem.js';
import type { Release } from '../../api/types.js';
import { createAwsCloud } from '../../cloud/aws/index.js';
import type { CloudProvider } from '../../cloud/ports.js';
import { VirtualClock } from '../../runtime/clock.js';
import { Simulator } from '../../sim/simulator.js';
import { loadWorld } from '../../sim/world-loader.js';
import { packagePath } from '../package-path.js';

export interface CloudChoice {
  cloud: string;
  region?: string;
}

async function openCloud(choice: CloudChoice): Promise<{ cloud: CloudProvider; close: () => Promise<void> }> {
  if (choice.cloud === 'aws') return { cloud: createAwsCloud(choice.region ? { region: choice.region } : {}), close: async () => {} };
  if (choice.cloud === 'sim' || choice.cloud.startsWith('sim:')) {
    const file = choice.cloud === 'sim' ? packagePath('manifests', 'sim', 'world.yaml') : choice.cloud.slice(4);
    const world = await loadWorld(file);
    const sim = new Simulator({ world, clock: new VirtualClock(world.start ?? '2026-01-01T00:00:00Z'), probes: 'in-process' });
    return { cloud: sim.provider, close: () => sim.close() };
  }
  throw new Error(`--cloud must be aws, sim or sim:WORLD.yaml (got ${choice.cloud})`);
}

/** One problem per Release whose task definition holds plaintext secrets, or cannot be read. */
export async function cloudProblems(releases: readonly { file: string; line: number; release: Release }[], choice: CloudChoice): Promise<ManifestProblem[]> {
  const { cloud, close } = await openCloud(choice);
  const problems: ManifestProblem[] = [];
  try {
    for (const { file, line, release } of releases) {
      const ref = release.spec.revision.taskDefinition;
      // spec.revision.image derives from the stable revision: the controller checks it before the rollout.
      if (!ref) continue;
      const at = { file, line, column: 1, path: 'spec.revision.taskDefinition' };
      const name = release.metadata.name;
      try {
        const td = await cloud(release.spec.region).ecs.describeTaskDefinition(ref);
        const { refused } = findPlaintextSecrets(td.containers, allowedNames(release.metadata.annotations));
        if (refused.length === 0) continue;
        problems.push({
          ...at,
          code: 'plaintext',
          message: `Release ${name}: ${ref} has plaintext secrets in its environment: ${describeFindings(refused)}; move them to secrets (valueFrom) or list them in the keelson.dev/allow-plaintext annotation`,
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        problems.push({ ...at, code: 'cloud', message: `Release ${name}: ${ref} could not be checked (${typeof code === 'string' ? code : 'Error'}): ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  } finally {
    await close();
  }
  return problems;
}
