import { describe, expect, it } from 'vitest';
import { releaseDiff } from '../../../src/cli/release-diff.js';

const live = ['a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', 'f: 6', 'g: 7', 'h: 8', 'i: 9', ''].join('\n');
const input = { name: 'release/web', live, file: live.replace('e: 5', 'e: 50'), source: 'dir:releases', filename: 'web.yaml' };

describe('releaseDiff', () => {
  it('is undefined when live and file are the same', () => {
    expect(releaseDiff({ ...input, file: live }, false)).toBeUndefined();
  });

  it('prints one hunk with 3 lines of context either side, without colour for a pipe', () => {
    expect(releaseDiff(input, false)?.split('\n')).toEqual([
      '--- live/release/web\t(dir:releases)',
      '+++ web.yaml/release/web',
      '@@ -2,7 +2,7 @@',
      ' b: 2',
      ' c: 3',
      ' d: 4',
      '-e: 5',
      '+e: 50',
      ' f: 6',
      ' g: 7',
      ' h: 8',
    ]);
  });

  it('colours headers, hunk ranges, removed and added lines on a terminal', () => {
    const lines = releaseDiff(input, true)?.split('\n') ?? [];
    expect(lines[0]).toBe('\x1b[1m--- live/release/web\t(dir:releases)\x1b[0m');
    expect(lines[2]).toBe('\x1b[36m@@ -2,7 +2,7 @@\x1b[0m');
    expect(lines).toContain('\x1b[31m-e: 5\x1b[0m');
    expect(lines).toContain('\x1b[32m+e: 50\x1b[0m');
    expect(lines).toContain(' d: 4');
  });
});
