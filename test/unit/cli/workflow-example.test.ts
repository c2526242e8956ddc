// The GitHub Actions example in manifests/deploy/ calls keelson as it is: every command and
// flag it uses exists, so copying the example never starts with "unknown option".
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../../src/cli/program.js';

const workflow = parse(readFileSync(new URL('../../../manifests/deploy/github-actions-deploy.yaml', import.meta.url), 'utf8')) as {
  jobs: Record<string, { steps: { run?: string }[] }>;
};

/** Each `keelson …` invocation in the steps' scripts, as words (quotes dropped, pipes cut). */
function invocations(): string[][] {
  const scripts = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run] : [])));
  return scripts
    .flatMap((script) => script.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('keelson '))
    .map((line) => line.split(/\s*(?:\||\|\||&&)\s*/)[0] ?? '')
    .map((line) => line.split(/\s+/).map((w) => w.replace(/^"|"$/g, '')));
}

const flagsOf = (command: Command): Set<string> => new Set(command.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f)));

describe('manifests/deploy/github-actions-deploy.yaml', () => {
  it('applies, waits on the applied generation and shows the history', () => {
    const commands = invocations().map((words) => words[1]);
    expect(commands).toEqual(expect.arrayContaining(['validate', 'apply', 'wait', 'history']));
    const wait = invocations().find((words) => words[1] === 'wait') ?? [];
    expect(wait).toContain('--generation');
  });

  it('uses only commands and flags keelson has', () => {
    const program = buildProgram();
    for (const words of invocations()) {
      const command = program.commands.find((c) => c.name() === words[1]);
      expect(command, words.join(' ')).toBeDefined();
      const known = flagsOf(command as Command);
      for (const flag of words.filter((w) => w.startsWith('-'))) expect(known.has(flag), `${flag} in: ${words.join(' ')}`).toBe(true);
    }
  });
});
