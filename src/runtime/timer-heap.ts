// Pending virtual timers in (time, insertion) order: a binary min-heap, so that firing or adding
// one of n timers costs log n rather than a scan of all n (20,000 Releases each hold a timer).
// A cancelled timer is only marked, and dropped when it reaches the top or when the marked ones
// outnumber the live ones, so the heap never holds more than about twice the live timers.

export interface HeapTimer {
  at: number;
  seq: number;
  cancelled?: boolean;
}

const before = (a: HeapTimer, b: HeapTimer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class TimerHeap<T extends HeapTimer> {
  private items: T[] = [];
  private live = 0;

  get size(): number {
    return this.live;
  }

  /** Entries held, cancelled ones included (for tests of the bound). */
  get held(): number {
    return this.items.length;
  }

  push(timer: T): void {
    this.items.push(timer);
    this.live++;
    this.up(this.items.length - 1);
  }

  cancel(timer: T): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
    if (this.items.length - this.live > Math.max(64, this.live)) this.rebuild();
  }

  /** The earliest live timer, left in place. */
  peek(): T | undefined {
    while (this.items[0]?.cancelled) this.removeTop();
    return this.items[0];
  }

  /** Takes the earliest live timer out. */
  pop(): T | undefined {
    const top = this.peek();
    if (top) {
      this.removeTop();
      this.live--;
      top.cancelled = true;
    }
    return top;
  }

  private removeTop(): void {
    const last = this.items.pop() as T;
    if (this.items.length === 0) return;
    this.items[0] = last;
    this.down(0);
  }

  private rebuild(): void {
    this.items = this.items.filter((t) => !t.cancelled);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): void {
    const { items } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as T, items[parent] as T)) return;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  private down(i: number): void {
    const { items } = this;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < items.length && before(items[l] as T, items[least] as T)) least = l;
      if (r < items.length && before(items[r] as T, items[least] as T)) least = r;
      if (least === i) return;
      [items[i], items[least]] = [items[least] as T, items[i] as T];
      i = least;
    }
  }
}
