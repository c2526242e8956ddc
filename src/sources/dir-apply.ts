// `keelson apply` for the directory source: the Release is written to `<name>.yaml`, atomically.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Release } from '../api/types.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { ApplyConflictError, type ApplyOptions, type ApplyResult } from './apply-result.js';
import { GenerationLedger } from './generation-ledger.js';
import { readManifestFolder } from './manifest-files.js';
import { candidatesFromText, candidateHash } from './snapshot.js';
import { specHash } from './spec-hash.js';

export interface DirApplyOptions extends ApplyOptions {
  /** The directory source's ledger file, so the generation returned is the one the source reports. */
  ledgerFile?: string;
}

export async function applyToDirectory(folder: string, release: Release, options: DirApplyOptions = {}): Promise<ApplyResult> {
  const name = release.metadata.name;
  const target = `${name}.yaml`;
  const existing = (await readManifestFolder(folder)).flatMap(candidatesFromText).filter((c) => c.name === name);
  const elsewhere = existing.find((c) => c.file !== target);
  if (elsewhere || existing.length > 1) {
    const where = (elsewhere ?? existing[0])!;
    throw new ApplyConflictError(`${name} is defined in ${where.file}:${where.line}; edit that file instead`, name);
  }
  const ledger = await GenerationLedger.open(options.ledgerFile);
  const current = existing[0];
  // Seed the ledger with what is on disk, so "unchanged" is judged against the file itself.
  const currentGeneration = current ? ledger.generationFor(name, candidateHash(current)) : ledger.get(name)?.generation ?? 0;
  if (options.expectedGeneration !== undefined && options.expectedGeneration !== (current ? currentGeneration : 0)) {
    throw new ApplyConflictError(
      `${name} is at generation ${currentGeneration}, not ${options.expectedGeneration}: read it again`,
      name,
      currentGeneration,
    );
  }
  const hash = specHash(release);
  if (current && current.problems.length === 0 && current.release && specHash(current.release) === hash) {
    await ledger.save();
    return { result: 'unchanged', generation: currentGeneration };
  }
  const { status: _status, ...manifest } = release;
  await writeFileAtomic(join(folder, target), stringify(manifest));
  const generation = ledger.generationFor(name, hash);
  await ledger.save();
  return { result: current ? 'updated' : 'created', generation };
}
