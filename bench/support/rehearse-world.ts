// A rehearsal of N Releases for the scale bench: the scale world's stacks, one manifest file per
// Release (as a folder of manifests is read by `keelson rehearse --releases`), and the first
// `rollingPercent` of them moved to a second revision a minute in, so that they canary.
import { stringify } from 'yaml';
import type { ManifestText } from '../../src/rehearse/rehearse.js';
import type { SimWorld } from '../../src/sim/world.js';
import { scaleRelease, scaleStacks, scaleWorld, withSecondRevision, type ScaleStack } from './scale-world.js';

export interface RehearsalInput {
  world: SimWorld;
  releases: ManifestText[];
  stacks: ScaleStack[];
}

export function rehearsalWorld(n: number, clusters: number): RehearsalInput {
  const stacks = scaleStacks(n, clusters);
  const world = withSecondRevision(scaleWorld(stacks), stacks);
  const releases = stacks.map((s) => ({ file: `releases/${s.name}.yaml`, text: stringify(scaleRelease(s)) }));
  return { world, releases, stacks };
}
