// `--watch` output. On a terminal the screen is redrawn whenever something changes (like
// `watch kubectl get`); into a pipe or a file each new or changed Release is printed once, with no
// escape codes (like `kubectl get -w`), so that a log or `grep` reads it line by line.

/** Clears the screen and puts the cursor at its top left. */
export const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export interface WatchItem {
  /** The Release's name. */
  key: string;
  text: string;
  /** What makes an item changed: its text without parts that move with the clock (AGE, "5m ago"). Asked only when watching. */
  identity: () => string;
}

export interface WatchFrame {
  /** Printed once above the items (a table's header); on a terminal, with every redraw. */
  header?: string;
  items: WatchItem[];
  /** Between items: a newline for table rows, a blank line or `---` for whole objects. */
  separator: string;
  /** What a frame with no items says. */
  empty: string;
}

export function frameText(frame: WatchFrame): string {
  if (frame.items.length === 0) return frame.empty;
  const body = frame.items.map((i) => i.text).join(frame.separator);
  return frame.header === undefined ? body : `${frame.header}\n${body}`;
}

/** Prints frames as they come: redraws on a terminal, only what changed elsewhere. */
export function watchPrinter(terminal: boolean, write: (text: string) => void): (frame: WatchFrame) => void {
  let lastText: string | undefined;
  let seen: Map<string, string> | undefined;
  let headerShown = false;
  return (frame) => {
    if (terminal) {
      const text = frameText(frame);
      if (text === lastText) return;
      write(`${lastText === undefined ? '' : CLEAR_SCREEN}${text}\n`);
      lastText = text;
      return;
    }
    const changed = frame.items.filter((i) => seen?.get(i.key) !== i.identity());
    if (seen === undefined && frame.items.length === 0) write(`${frame.empty}\n`);
    if (changed.length > 0) {
      if (frame.header !== undefined && !headerShown) {
        write(`${frame.header}\n`);
        headerShown = true;
      }
      write(`${changed.map((i) => i.text).join(frame.separator)}\n`);
    }
    seen = new Map(frame.items.map((i) => [i.key, i.identity()]));
  };
}
