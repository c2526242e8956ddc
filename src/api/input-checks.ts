// Checks on a manifest's bytes and text made before any YAML parsing, so that what a parser
// would spend unbounded time or memory on is refused first, with a problem naming the limit.
import { INPUT_LIMITS, formatCount } from './limits.js';
import type { ManifestProblem } from './problem.js';

/** A problem about a whole file or one place in its text, before it is tied to a document. */
export interface TextProblem {
  line: number;
  column: number;
  message: string;
  code: ManifestProblem['code'];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const utf16le = new TextDecoder('utf-16le', { fatal: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true });

/**
 * The text of a manifest file: UTF-8 (a byte-order mark is dropped) or UTF-16 with its
 * byte-order mark, as YAML allows. Anything else is refused with a problem: decoding with
 * replacement characters would change values without saying so.
 */
export function decodeManifest(bytes: Uint8Array): { text: string } | { problem: TextProblem } {
  if (bytes.length > INPUT_LIMITS.maxFileBytes) return { problem: tooLarge(bytes.length) };
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: utf16le.decode(bytes.subarray(2)) };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: utf16be.decode(bytes.subarray(2)) };
    return { text: utf8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return { problem: { ...at, message: 'is not valid UTF-8 text (save the file as UTF-8)', code: 'yaml' } };
  }
}

export function tooLarge(bytes: number): TextProblem {
  return {
    line: 0,
    column: 0,
    message: `file is ${formatCount(bytes)} bytes, over the limit of ${formatCount(INPUT_LIMITS.maxFileBytes)} bytes per manifest file; split it`,
    code: 'limit',
  };
}

/** Line and column of the first byte that does not start a valid UTF-8 sequence (an approximation past it). */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number } {
  // The longest prefix that decodes (streaming, so a sequence cut at the end is no error).
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // Back to the start of the sequence that was cut (at most three bytes).
  let good = lo;
  const complete = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n));
      return true;
    } catch {
      return false;
    }
  };
  while (good > 0 && !complete(good)) good--;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < good; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: good - lineStart + 1 };
}

/** C0 and C1 controls, DEL and non-characters; YAML allows only tab, line feed and carriage return among them. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;
const SEPARATOR_LINE = /^---(?:[ \t]|$)/gm;

/** Problems with the text as a whole: its size, characters YAML does not allow, too many documents. */
export function checkText(text: string): TextProblem | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > INPUT_LIMITS.maxFileBytes) return tooLarge(bytes);
  const control = CONTROL.exec(text);
  if (control) {
    const { line, column } = position(text, control.index);
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return { line, column, message: `holds the control character U+${code}; YAML allows only printable characters (write it escaped in a double-quoted string if it is meant)`, code: 'yaml' };
  }
  // Counting separator lines over-counts only `---` inside a block scalar at column 0 (rare), and is linear.
  SEPARATOR_LINE.lastIndex = 0;
  const first = SEPARATOR_LINE.exec(text);
  // Content before the first `---` is a document of its own.
  let documents = first && !/^[ \t]*[^\s#%]/m.test(text.slice(0, first.index)) ? 0 : 1;
  for (let found = first; found; found = SEPARATOR_LINE.exec(text)) {
    if (++documents > INPUT_LIMITS.maxDocumentsPerFile) {
      return {
        line: 0,
        column: 0,
        message: `file holds more than ${formatCount(INPUT_LIMITS.maxDocumentsPerFile)} YAML documents, the limit per manifest file; split it`,
        code: 'limit',
      };
    }
  }
  return undefined;
}

export function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/**
 * The path to the first value nested deeper than the limit, or undefined. Iterative, so a
 * value too deep for recursion is measured without overflowing the stack.
 */
export function tooDeep(value: unknown, limit: number = INPUT_LIMITS.maxDepth): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= limit) return path;
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    else for (const [k, item] of Object.entries(v as Record<string, unknown>)) stack.push({ value: item, path: [...path, k] });
  }
  return undefined;
}
