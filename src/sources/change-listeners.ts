/** The callbacks given to Source.watch; a throwing listener does not stop the others. */
export class ChangeListeners {
  private readonly listeners = new Set<() => void>();

  add(onChange: () => void): () => void {
    const entry = (): void => onChange();
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the source keeps notifying the rest.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
