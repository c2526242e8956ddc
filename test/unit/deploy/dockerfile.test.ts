// The image, read from the Dockerfile (no Docker here): what runs in it and as whom.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { files: string[]; bin: Record<string, string> };

/** Instructions of each stage, continuation lines joined, comments left out. */
function stages(): string[][] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const result: string[][] = [];
  for (const line of lines) {
    if (/^FROM\b/i.test(line)) result.push([]);
    result.at(-1)?.push(line);
  }
  return result;
}

describe('the Dockerfile', () => {
  const all = stages();
  const final = all.at(-1)!;

  it('builds in one stage and runs from another, on the same Node as package.json engines allow', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const images = all.map((s) => /^FROM\s+node:(\d+)/.exec(s[0]!)?.[1]);
    expect(new Set(images).size).toBe(1);
    expect(Number(images[0])).toBeGreaterThanOrEqual(20);
  });

  it('installs production dependencies only into the image, from the lockfile', () => {
    const copiedModules = final.filter((l) => /^COPY\b.*node_modules/.test(l));
    expect(copiedModules).toHaveLength(1);
    const from = /--from=(\S+)/.exec(copiedModules[0]!)?.[1];
    const stage = all.find((s) => new RegExp(`\\bAS\\s+${from}$`, 'i').test(s[0]!))!;
    expect(stage.join('\n')).toMatch(/npm ci --omit=dev/);
  });

  it('ships what the published package ships: the output of npm pack, which follows package.json files', () => {
    expect(dockerfile).toMatch(/npm pack\b/);
    expect(final.some((l) => /^COPY --from=build \/package \.\/$/.test(l))).toBe(true);
    // Everything npm pack needs to find is copied into the build stage.
    const build = all[0]!.filter((l) => l.startsWith('COPY')).join(' ');
    for (const entry of pkg.files.map((f) => f.replace(/^dist\//, '').split('/')[0]!)) expect(build, entry).toContain(entry);
    expect(final.join('\n')).toContain(`/app/${pkg.bin.keelson}`);
  });

  it('runs as the unprivileged node user, keelson listening on every interface with the deployment configuration', () => {
    const user = final.filter((l) => l.startsWith('USER'));
    expect(user).toEqual(['USER node']);
    expect(final.indexOf('USER node')).toBeGreaterThan(final.findLastIndex((l) => l.startsWith('RUN')));
    expect(final).toContain('ENTRYPOINT ["keelson"]');
    expect(final).toContain('CMD ["run", "--host", "0.0.0.0"]');
    expect(final.join('\n')).toContain('/etc/keelson/keelson.yaml');
  });
});
