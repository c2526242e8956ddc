import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runValidate, type Output } from '../../src/cli/commands/validate.js';
import type { SimWorld } from '../../src/sim/world.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VALUE = 'pa55-w0rd-never-printed';

function collect(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const manifest = (name: string, revision: string, annotations = '') => `apiVersion: keelson.dev/v1alpha1
kind: Release
metadata:
  name: ${name}${annotations}
spec:
  cluster: aep-prod
  revision:
    taskDefinition: ${revision}
  strategy:
    rolling: {service: aep-frontend-prod-svc}
`;

describe('keelson validate --cloud', () => {
  let dir: string;
  let world: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-validate-cloud-'));
    const w = parse(await readFile(join(ROOT, 'manifests/sim/world.yaml'), 'utf8')) as SimWorld;
    const td = w.taskDefinitions.find((t) => t.family === 'aep-frontend-prod' && t.revision === 8);
    if (!td?.containers[0]) throw new Error('demo world changed: aep-frontend-prod:8 missing');
    td.containers[0].environment = [{ name: 'DATABASE_PASSWORD', value: VALUE }];
    td.containers[0].secrets = [{ name: 'API_TOKEN', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:t' }];
    w.timeline = [];
    world = join(dir, 'world.yaml');
    await writeFile(world, stringify(w));
    await writeFile(join(dir, 'clean.yaml'), manifest('frontend-clean', 'aep-frontend-prod:7').replace('aep-frontend-prod-svc', 'aep-frontend-other-svc'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 naming file, line, Release, container and variable, never the value', async () => {
    const file = join(dir, 'leaky.yaml');
    await writeFile(file, manifest('frontend-leaky', 'aep-frontend-prod:8'));
    const io = collect();
    expect(await runValidate([file], { output: 'text', cloud: `sim:${world}` }, io)).toBe(1);
    const text = io.stderr.join('\n');
    expect(io.stderr[0]).toMatch(new RegExp(`^${file}:8:\\d+ spec.revision.taskDefinition: Release frontend-leaky: aep-frontend-prod:8 has plaintext secrets in its environment: frontend: DATABASE_PASSWORD \\(name:PASSWORD\\)`));
    expect(text).not.toContain('API_TOKEN');
    expect(text + io.stdout.join('\n')).not.toContain(VALUE);
  });

  it('passes a clean task definition, and one whose variable the annotation allows', async () => {
    const file = join(dir, 'allowed.yaml');
    await writeFile(file, manifest('frontend-allowed', 'aep-frontend-prod:8', '\n  annotations: {keelson.dev/allow-plaintext: DATABASE_PASSWORD}'));
    const io = collect();
    const code = await runValidate([file, join(dir, 'clean.yaml')], { output: 'text', cloud: `sim:${world}` }, io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stderr).toEqual([]);
  });
});
