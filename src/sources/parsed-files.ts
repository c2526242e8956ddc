// The parsed state of a file-based source (a folder, a Git tree), kept between snapshots so a
// change re-parses only the files that changed: each file's candidates are remembered with a
// key that changes with its content (a blob id, a content hash).
import type { GenerationLedger } from './generation-ledger.js';
import { candidateHash, candidatesFromTexts, type GenerationOf, type ManifestText, type ReleaseCandidate } from './snapshot.js';

interface ParsedFile {
  key: string;
  sourceRevision: string;
  candidates: ReleaseCandidate[];
}

export class ParsedFiles {
  private readonly files = new Map<string, ParsedFile>();
  /** candidateHash per candidate, computed once: hashing every spec on every snapshot is the cost we avoid. */
  private readonly hashes = new WeakMap<ReleaseCandidate, string>();

  /** The key the file was parsed at, or undefined when it is not held. */
  keyOf(file: string): string | undefined {
    return this.files.get(file)?.key;
  }

  /** The revision the file was parsed at (its content hash for a folder), or undefined when not held. */
  revisionOf(file: string): string | undefined {
    return this.files.get(file)?.sourceRevision;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Parses the given files (replacing what was held for them) and forgets the removed ones. */
  async update(changed: readonly (ManifestText & { key: string })[], removed: Iterable<string> = []): Promise<void> {
    for (const file of removed) this.files.delete(file);
    const candidates = await candidatesFromTexts(changed);
    const byFile = new Map<string, ReleaseCandidate[]>();
    for (const c of candidates) {
      const list = byFile.get(c.file);
      if (list) list.push(c);
      else byFile.set(c.file, [c]);
    }
    for (const m of changed) this.files.set(m.file, { key: m.key, sourceRevision: m.sourceRevision, candidates: byFile.get(m.file) ?? [] });
  }

  /**
   * Every held candidate in file order. With sourceRevision given, every candidate carries it
   * (a commit is the revision of all its files); otherwise each keeps its file's own.
   */
  candidates(sourceRevision?: string): ReleaseCandidate[] {
    const out: ReleaseCandidate[] = [];
    const files = [...this.files.keys()].sort();
    for (const file of files) {
      for (const c of this.files.get(file)!.candidates) {
        if (sourceRevision === undefined || c.sourceRevision === sourceRevision) out.push(c);
        else {
          // The hash does not depend on sourceRevision: the copy shares its original's.
          const copy = { ...c, sourceRevision };
          this.hashes.set(copy, this.hashOf(c));
          out.push(copy);
        }
      }
    }
    return out;
  }

  /** `file\0revision` of every held file in order: what a folder's revision is hashed from. */
  listing(): string {
    return [...this.files.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([file, f]) => `${file}\0${f.sourceRevision}`)
      .join('\n');
  }

  /** Generations from the ledger, with each candidate's hash computed once. */
  generations(ledger: GenerationLedger): GenerationOf {
    return (name, candidate) => ledger.generationFor(name, this.hashOf(candidate));
  }

  private hashOf(candidate: ReleaseCandidate): string {
    let hash = this.hashes.get(candidate);
    if (hash === undefined) {
      hash = candidateHash(candidate);
      this.hashes.set(candidate, hash);
    }
    return hash;
  }
}
