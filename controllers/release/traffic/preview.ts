// blueGreen's preview listener or rule: all of it goes to the colour being rolled out, once that is up,
// so it can be tried before any real traffic moves.
import type { Colour, Release } from '../../../src/api/types.js';
import type { CloudPorts, ForwardRef } from '../../../src/cloud/ports.js';

/** Forward weights of the preview, by target group ARN. */
export type PreviewWeights = Record<string, number>;

/** blueGreen's preview listener or rule, if the spec names one. */
export function previewOf(release: Release): ForwardRef | undefined {
  const preview = release.spec.strategy.blueGreen?.preview;
  if (preview?.ruleArn) return { ruleArn: preview.ruleArn };
  if (preview?.listenerArn) return { listenerArn: preview.listenerArn };
  return undefined;
}

export async function readPreview(ports: CloudPorts, ref: ForwardRef): Promise<PreviewWeights> {
  return Object.fromEntries((await ports.lb.readWeights(ref)).map((w) => [w.targetGroupArn, w.weight]));
}

/** Pure: the forward the preview needs to send everything to `colour`, or undefined when it already does. */
export function previewTargets(
  preview: PreviewWeights,
  groups: Partial<Record<Colour, string>>,
  colour: Colour,
): { targetGroupArn: string; weight: number }[] | undefined {
  const want = (['blue', 'green'] as const)
    .map((c) => ({ targetGroupArn: groups[c] as string, weight: c === colour ? 100 : 0 }))
    .filter((t) => t.targetGroupArn);
  const current = (arn: string): number => preview[arn] ?? 0;
  return want.every((t) => (t.weight > 0) === current(t.targetGroupArn) > 0) ? undefined : want;
}
