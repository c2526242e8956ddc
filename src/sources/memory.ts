// Releases held in memory: the source of rehearsals and scenario tests, where manifest changes
// arrive on a virtual timeline rather than from files or a table.
import { parseReleases, type ParsedFile } from '../api/load.js';
import type { Release } from '../api/types.js';
import { specHash } from './spec-hash.js';
import { SourceUnavailableError, type Source, type SourcedRelease, type SourceSnapshot } from './source.js';

export class MemorySource implements Source {
  readonly kind = 'dir' as const;
  private readonly items = new Map<string, SourcedRelease>();
  private readonly listeners = new Set<() => void>();
  private revision = 0;
  private unavailable: string | undefined;

  constructor(readonly description = 'memory') {}

  /** Adds or replaces a Release; the generation moves only when the spec changed. */
  apply(release: Release, location = { file: 'memory', line: 1 }): SourcedRelease {
    const name = release.metadata.name;
    const hash = specHash(release);
    const before = this.items.get(name);
    const unchanged = before?.release && specHash(before.release) === hash;
    const item: SourcedRelease = {
      name,
      release: structuredClone(release),
      generation: unchanged ? (before?.generation ?? 1) : (before?.generation ?? 0) + 1,
      sourceRevision: `memory@${hash.slice(0, 12)}`,
      location,
    };
    this.items.set(name, item);
    if (!unchanged) this.changed();
    return item;
  }

  /** Parses manifest text (validated) and applies every document; problems mark their Release. */
  applyText(text: string, file: string): SourcedRelease[] {
    return this.applyParsed(parseReleases(text, file));
  }

  /** Applies every document of a file already parsed (parseReleases); problems mark their Release. */
  applyParsed(parsed: ParsedFile): SourcedRelease[] {
    const { file } = parsed;
    return parsed.releases.map((doc) => {
      if (doc.release && doc.problems.length === 0) return this.apply(doc.release, { file, line: doc.line });
      const name = doc.name ?? `${file}:${doc.line}`;
      const item: SourcedRelease = {
        name,
        problems: doc.problems,
        generation: (this.items.get(name)?.generation ?? 0) + 1,
        sourceRevision: `memory@invalid`,
        location: { file, line: doc.line },
      };
      this.items.set(name, item);
      this.changed();
      return item;
    });
  }

  remove(name: string): void {
    if (this.items.delete(name)) this.changed();
  }

  /** While set, snapshot() fails as an unreachable source would. */
  setUnavailable(reason: string | undefined): void {
    this.unavailable = reason;
    this.changed();
  }

  async snapshot(): Promise<SourceSnapshot> {
    if (this.unavailable) throw new SourceUnavailableError(this.unavailable);
    return {
      revision: `memory@${this.revision}`,
      releases: [...this.items.values()].sort((a, b) => a.name.localeCompare(b.name)).map((i) => structuredClone(i)),
      problems: [],
    };
  }

  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private changed(): void {
    this.revision += 1;
    for (const l of this.listeners) l();
  }
}
