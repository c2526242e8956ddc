// `keelson diff` output: a unified diff per Release, live (the source) against the file, as
// `kubectl diff` prints it, so that a reviewer reads it like any patch.
import { structuredPatch } from 'diff';

/** Lines of context around each change, as `diff -u`. */
export const DIFF_CONTEXT = 3;

export interface ReleaseDiffInput {
  name: string;
  /** The live manifest as YAML; undefined when the source does not hold the Release (a new one). */
  live: string | undefined;
  /** The file's manifest as YAML. */
  file: string;
  /** Where the live object comes from, e.g. `dir:releases`. */
  source: string;
  /** The manifest file's path. */
  filename: string;
}

const COLOURS = { header: '\x1b[1m', hunk: '\x1b[36m', removed: '\x1b[31m', added: '\x1b[32m', reset: '\x1b[0m' } as const;

/** A hunk's range as GNU diff writes it: an empty side starts at the line before (`-0,0`). */
const range = (start: number, count: number): string => `${count === 0 ? start - 1 : start},${count}`;

/** The unified diff of one Release, or undefined when live and file are the same. */
export function releaseDiff(input: ReleaseDiffInput, colour: boolean): string | undefined {
  if (input.live === input.file) return undefined;
  const oldName = input.live === undefined ? '/dev/null' : `live/${input.name}`;
  const patch = structuredPatch(oldName, `${input.filename}/${input.name}`, input.live ?? '', input.file, undefined, undefined, { context: DIFF_CONTEXT });
  const paint = (kind: keyof typeof COLOURS, line: string): string => (colour ? `${COLOURS[kind]}${line}${COLOURS.reset}` : line);
  const lines = [paint('header', `--- ${oldName}${input.live === undefined ? '' : `\t(${input.source})`}`), paint('header', `+++ ${input.filename}/${input.name}`)];
  for (const hunk of patch.hunks) {
    lines.push(paint('hunk', `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith('-')) lines.push(paint('removed', line));
      else if (line.startsWith('+')) lines.push(paint('added', line));
      else lines.push(line);
    }
  }
  return lines.join('\n');
}
