import { describe, expect, it } from 'vitest';
import { CLEAR_SCREEN, watchPrinter, type WatchFrame } from '../../../src/cli/watch-output.js';

const frame = (rows: [string, string, string][]): WatchFrame => ({
  header: 'NAME  PHASE  AGE',
  items: rows.map(([key, phase, age]) => ({ key, text: `${key}  ${phase}  ${age}`, identity: () => `${key} ${phase}` })),
  separator: '\n',
  empty: 'No releases.',
});

describe('watchPrinter', () => {
  it('into a pipe: the table once, then only new or changed rows, never an escape code', () => {
    const out: string[] = [];
    const print = watchPrinter(false, (t) => out.push(t));
    print(frame([['a', 'Healthy', '1m'], ['b', 'Progressing', '1m']]));
    // Only the age moved: nothing to print.
    print(frame([['a', 'Healthy', '2m'], ['b', 'Progressing', '2m']]));
    print(frame([['a', 'Healthy', '3m'], ['b', 'Degraded', '3m'], ['c', 'Pending', '0s']]));
    expect(out.join('')).toBe('NAME  PHASE  AGE\na  Healthy  1m\nb  Progressing  1m\nb  Degraded  3m\nc  Pending  0s\n');
    expect(out.join('')).not.toContain('\x1b');
  });

  it('into a pipe: says there is nothing once, then prints the header with the first row that comes', () => {
    const out: string[] = [];
    const print = watchPrinter(false, (t) => out.push(t));
    print(frame([]));
    print(frame([]));
    print(frame([['a', 'Pending', '0s']]));
    expect(out.join('')).toBe('No releases.\nNAME  PHASE  AGE\na  Pending  0s\n');
  });

  it('on a terminal: clears the screen and redraws the whole table whenever its text changes', () => {
    const out: string[] = [];
    const print = watchPrinter(true, (t) => out.push(t));
    print(frame([['a', 'Healthy', '1m']]));
    print(frame([['a', 'Healthy', '1m']]));
    print(frame([['a', 'Healthy', '2m']]));
    expect(out).toEqual(['NAME  PHASE  AGE\na  Healthy  1m\n', `${CLEAR_SCREEN}NAME  PHASE  AGE\na  Healthy  2m\n`]);
  });
});
