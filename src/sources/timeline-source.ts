// The Releases a simulated world's timeline changes: applied, removed and put back in memory.
// In a rehearsal it is the only source. Under `keelson run --cloud sim:WORLD` it is added to the
// controller's sources and the user's own sources are seen through `shadowedBy`, so a timeline
// change wins over the user's folder without anything being written into it.
import type { ParsedFile } from '../api/load.js';
import type { Release } from '../api/types.js';
import { MemorySource } from './memory.js';
import type { Source, SourcedRelease } from './source.js';

export class TimelineSource extends MemorySource {
  /** The last valid spec applied per Release, for restore. */
  private readonly lastApplied = new Map<string, { release: Release; location: { file: string; line: number } }>();
  /** Releases the timeline removed: hidden from the sources it shadows too. */
  private readonly removed = new Set<string>();
  private readonly shadowListeners = new Set<() => void>();
  private readonly held = new Set<string>();

  override apply(release: Release, location = { file: 'memory', line: 1 }): SourcedRelease {
    const name = release.metadata.name;
    this.lastApplied.set(name, { release: structuredClone(release), location });
    this.held.add(name);
    return super.apply(release, location);
  }

  // applyText goes through applyParsed too.
  override applyParsed(parsed: ParsedFile): SourcedRelease[] {
    const items = super.applyParsed(parsed);
    for (const item of items) {
      this.held.add(item.name);
      if (this.removed.delete(item.name)) this.shadowChanged();
    }
    return items;
  }

  /** Removes a Release from the source (and from the sources this one shadows). */
  delete(name: string): void {
    this.held.delete(name);
    this.remove(name);
    if (!this.removed.has(name)) {
      this.removed.add(name);
      this.shadowChanged();
    }
  }

  /**
   * Puts a removed Release back: its last spec applied here, else whatever the shadowed source
   * holds. Returns the spec put back here, if any.
   */
  restore(name: string): SourcedRelease | undefined {
    const last = this.lastApplied.get(name);
    const item = last ? this.apply(last.release, last.location) : undefined;
    if (this.removed.delete(name)) this.shadowChanged();
    return item;
  }

  /** Whether a shadowed source's Release of this name is hidden (held or removed here). */
  hides(name: string): boolean {
    return this.held.has(name) || this.removed.has(name);
  }

  /** Called when a name stops or starts being removed. */
  onShadowChange(listener: () => void): () => void {
    this.shadowListeners.add(listener);
    return () => this.shadowListeners.delete(listener);
  }

  private shadowChanged(): void {
    for (const l of this.shadowListeners) l();
  }
}

/** `base` without the Releases the timeline holds or removed. */
export function shadowedBy(base: Source, timeline: TimelineSource): Source {
  return {
    kind: base.kind,
    description: base.description,
    async snapshot() {
      const snapshot = await base.snapshot();
      return { ...snapshot, releases: snapshot.releases.filter((r) => !timeline.hides(r.name)) };
    },
    watch(onChange) {
      const unwatch = base.watch(onChange);
      const unshadow = timeline.onShadowChange(onChange);
      return () => {
        unwatch();
        unshadow();
      };
    },
    close: () => base.close(),
  };
}
