// Joins reads asked for in the same turn of the event loop into one request (DescribeServices per
// cluster, listener weights, scalable targets, the store's reads): passes running at the same
// time each ask for their own one or two items; joined, they fill one call. Each caller gets only
// its own answer (a copy when others asked for the same item); a failed call rejects only the
// callers it carried. A caller only ever joins a batch not yet sent, so its answer comes from a
// call sent after it asked: a pass that wrote and then reads back never gets an answer read
// before its write.

/** Answers in the order of `items`; an Error in an item's place rejects only that item's callers. */
export type SendBatch<Item, Answer> = (items: readonly Item[]) => Promise<(Answer | Error)[]>;

interface Batch<Item, Answer> {
  group: string;
  items: Map<string, Item>;
  /** Callers per key: an item asked for twice is handed out as two copies. */
  askedBy: Map<string, number>;
  sent: boolean;
  answer: Promise<Map<string, Answer | Error>>;
  settle: (answer: Promise<Map<string, Answer | Error>>) => void;
}

export class TurnBatcher<Item, Answer> {
  private readonly open = new Map<string, Batch<Item, Answer>>();

  constructor(
    private readonly options: {
      /** The most items one request takes. */
      max: number;
      /** Items that can share a request have the same group (a cluster, say); default one group. */
      groupOf?: (item: Item) => string;
      keyOf: (item: Item) => string;
      send: SendBatch<Item, Answer>;
    },
  ) {}

  async ask(item: Item): Promise<Answer> {
    const key = this.options.keyOf(item);
    const batch = this.batchFor(this.options.groupOf?.(item) ?? '', key);
    if (!batch.items.has(key)) batch.items.set(key, item);
    batch.askedBy.set(key, (batch.askedBy.get(key) ?? 0) + 1);
    if (batch.items.size >= this.options.max) this.send(batch);
    const answer = (await batch.answer).get(key);
    if (answer instanceof Error) throw answer;
    return (batch.askedBy.get(key) ?? 0) > 1 ? structuredClone(answer as Answer) : (answer as Answer);
  }

  /** The open batch of the group that has (or has room for) this key. */
  private batchFor(group: string, key: string): Batch<Item, Answer> {
    const current = this.open.get(group);
    if (current && (current.items.has(key) || current.items.size < this.options.max)) return current;
    let settle: Batch<Item, Answer>['settle'] = () => {};
    const answer = new Promise<Map<string, Answer | Error>>((resolve) => (settle = resolve));
    const batch: Batch<Item, Answer> = { group, items: new Map(), askedBy: new Map(), sent: false, answer, settle };
    this.open.set(group, batch);
    // Callers of this turn join it; the next turn of the event loop sends what it holds.
    setImmediate(() => this.send(batch));
    return batch;
  }

  private send(batch: Batch<Item, Answer>): void {
    if (batch.sent) return;
    batch.sent = true;
    if (this.open.get(batch.group) === batch) this.open.delete(batch.group);
    const keys = [...batch.items.keys()];
    const answered = (async () => {
      const answers = await this.options.send([...batch.items.values()]);
      return new Map(keys.map((key, i) => [key, answers[i] as Answer | Error]));
    })();
    batch.settle(answered);
  }
}
