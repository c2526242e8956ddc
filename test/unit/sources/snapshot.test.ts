import { describe, expect, it } from 'vitest';
import { GenerationLedger } from '../../../src/sources/generation-ledger.js';
import { assembleReleases, candidatesFromText, ledgerGenerations, type ManifestText } from '../../../src/sources/snapshot.js';
import { fixture, releaseYaml } from '../../helpers/releases.js';

function assemble(files: ManifestText[], ledger: GenerationLedger) {
  return assembleReleases(files.flatMap(candidatesFromText), ledgerGenerations(ledger));
}

const file = (name: string, text: string): ManifestText => ({ file: name, text, sourceRevision: `rev-${name}` });

describe('turning manifest files into a snapshot', () => {
  it('gives each document its own Release, sorted by name, with its file and line', async () => {
    const releases = assemble([file('two.yaml', fixture('two-releases.yaml')), file('web.yaml', fixture('web.yaml'))], await GenerationLedger.open());
    expect(releases.map((r) => [r.name, r.location.file])).toEqual([
      ['api', 'two.yaml'],
      ['web', 'web.yaml'],
      ['worker', 'two.yaml'],
    ]);
    // The second document starts at its `---` (line 12) or its first key (line 13).
    expect(releases[2]!.location.line).toBeGreaterThanOrEqual(12);
    expect(releases[2]!.location.line).toBeLessThanOrEqual(13);
    expect(releases.every((r) => r.release && !r.problems)).toBe(true);
    expect(releases[0]!.sourceRevision).toBe('rev-two.yaml');
  });

  it('marks only the Release whose manifest is broken invalid, by metadata.name when readable', async () => {
    const broken = fixture('broken-yaml.yaml').replace('cluster: [prod', 'cluster: prod\n  replicas: [1,');
    const releases = assemble([file('a.yaml', broken), file('web.yaml', fixture('web.yaml'))], await GenerationLedger.open());
    const web = releases.find((r) => r.name === 'web');
    expect(web?.release?.spec.cluster).toBe('prod');
    expect(web?.problems).toBeUndefined();
    const invalid = releases.filter((r) => r.problems);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.release).toBeUndefined();
    expect(invalid[0]!.problems![0]!.file).toBe('a.yaml');
    expect(invalid[0]!.problems![0]!.line).toBeGreaterThan(0);
  });

  it('keeps the name of a document with a syntax error when the name itself is readable', async () => {
    const releases = assemble([file('apps/broken.yaml', fixture('broken-yaml.yaml'))], await GenerationLedger.open());
    expect(releases.map((r) => r.name)).toEqual(['broken']);
    expect(releases[0]!.problems![0]!.code).toBe('yaml');
  });

  it('names a broken document whose name cannot be read after its file', async () => {
    const text = 'apiVersion: keelson.dev/v1alpha1\nkind: Release\nmetadata: {name: [web\n';
    const releases = assemble([file('apps/broken.yaml', text), file('web.yaml', releaseYaml('web'))], await GenerationLedger.open());
    expect(releases.map((r) => r.name)).toEqual(['apps/broken.yaml', 'web']);
    expect(releases[0]!.problems![0]!.code).toBe('yaml');
  });

  it('reports a missing metadata.name', async () => {
    const text = releaseYaml('x').replace('  name: x\n', '  labels: {a: b}\n');
    const [release] = assemble([file('noname.yaml', text)], await GenerationLedger.open());
    expect(release!.name).toBe('noname.yaml');
    expect(release!.problems).toEqual([expect.objectContaining({ path: 'metadata.name', message: expect.stringMatching(/required/) })]);
  });

  it('gives a problem to every definition of a name used twice, and leaves other Releases alone', async () => {
    const releases = assemble(
      [file('a.yaml', releaseYaml('web')), file('b/c.yaml', releaseYaml('web', { taskDefinition: 'web:9' })), file('d.yaml', releaseYaml('api'))],
      await GenerationLedger.open(),
    );
    expect(releases.map((r) => r.name)).toEqual(['api', 'web']);
    const web = releases[1]!;
    expect(web.release).toBeUndefined();
    expect(web.problems!.map((p) => [p.code, p.file, p.message])).toEqual([
      ['duplicate', 'a.yaml', '"web" is defined more than once (also at b/c.yaml:1)'],
      ['duplicate', 'b/c.yaml', '"web" is defined more than once (also at a.yaml:1)'],
    ]);
    expect(releases[0]!.release).toBeDefined();
  });

  it('moves the generation exactly when labels, annotations or spec change', async () => {
    const ledger = await GenerationLedger.open();
    const gen = (text: string): number => assemble([file('w.yaml', text)], ledger)[0]!.generation;
    expect(gen(releaseYaml('w'))).toBe(1);
    expect(gen(`# a comment\n${releaseYaml('w')}`)).toBe(1);
    expect(gen(`${releaseYaml('w')}status: {phase: Healthy}\n`)).toBe(1);
    expect(gen(releaseYaml('w', { taskDefinition: 'w:2' }))).toBe(2);
    expect(gen(releaseYaml('w', { taskDefinition: 'w:2', labels: { team: 'a' } }))).toBe(3);
    expect(gen(releaseYaml('w', { taskDefinition: 'w:2', labels: { team: 'a' }, annotations: { note: 'x' } }))).toBe(4);
    expect(gen(releaseYaml('w', { taskDefinition: 'w:2', labels: { team: 'a' }, annotations: { note: 'x' } }))).toBe(4);
    // Back to an earlier spec is still a change: generations only grow.
    expect(gen(releaseYaml('w'))).toBe(5);
  });

  it('does not count key order as a change', async () => {
    const ledger = await GenerationLedger.open();
    const a = 'apiVersion: keelson.dev/v1alpha1\nkind: Release\nmetadata: {name: k}\nspec: {cluster: c, revision: {taskDefinition: k:1}, strategy: {rolling: {service: s}}}\n';
    const b = 'kind: Release\napiVersion: keelson.dev/v1alpha1\nmetadata: {name: k}\nspec: {strategy: {rolling: {service: s}}, revision: {taskDefinition: k:1}, cluster: c}\n';
    expect(assemble([file('k.yaml', a)], ledger)[0]!.generation).toBe(1);
    expect(assemble([file('k.yaml', b)], ledger)[0]!.generation).toBe(1);
  });
});
