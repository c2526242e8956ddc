// Generations for sources that do not store one (Git, a folder): a small ledger of
// name → {specHash, generation}, persisted so generations keep growing across restarts.
import { rename } from 'node:fs/promises';
import { readJsonFile, writeJsonFileAtomic } from '../store/atomic-file.js';

export interface LedgerEntry {
  specHash: string;
  generation: number;
}

interface LedgerFile {
  version: 1;
  releases: Record<string, LedgerEntry>;
}

export class GenerationLedger {
  private dirty = false;

  private constructor(
    /** Where the ledger is kept; undefined keeps it in memory only. */
    readonly file: string | undefined,
    private readonly entries: Map<string, LedgerEntry>,
  ) {}

  /** Opens the ledger at file (or an in-memory one). A corrupt file is set aside and a new ledger begins. */
  static async open(file?: string): Promise<GenerationLedger> {
    if (!file) return new GenerationLedger(undefined, new Map());
    let stored: LedgerFile | undefined;
    try {
      stored = await readJsonFile<LedgerFile>(file);
    } catch {
      await rename(file, `${file}.corrupt`).catch(() => undefined);
    }
    const entries = new Map<string, LedgerEntry>();
    for (const [name, entry] of Object.entries(stored?.releases ?? {})) {
      if (typeof entry?.specHash === 'string' && Number.isInteger(entry.generation)) entries.set(name, entry);
    }
    return new GenerationLedger(file, entries);
  }

  /**
   * The generation for this spec: unchanged when the hash is the one last seen, else one more
   * than before (1 for a name never seen). Entries are never dropped, so a Release deleted and
   * added again carries on from its old generation.
   */
  generationFor(name: string, specHash: string): number {
    const known = this.entries.get(name);
    if (known?.specHash === specHash) return known.generation;
    const generation = (known?.generation ?? 0) + 1;
    this.entries.set(name, { specHash, generation });
    this.dirty = true;
    return generation;
  }

  get(name: string): LedgerEntry | undefined {
    return this.entries.get(name);
  }

  /** Writes the ledger atomically when something changed since the last save. */
  async save(): Promise<void> {
    if (!this.dirty || !this.file) return;
    const releases: Record<string, LedgerEntry> = {};
    for (const [name, entry] of [...this.entries].sort(([a], [b]) => a.localeCompare(b))) releases[name] = entry;
    this.dirty = false;
    try {
      await writeJsonFileAtomic(this.file, { version: 1, releases } satisfies LedgerFile);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}
