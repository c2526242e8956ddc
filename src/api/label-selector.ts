// Kubernetes label selectors over Release metadata.labels: `team=aep,tier!=batch,env in (prod,staging),!legacy`.
// Equality-based (=, ==, !=) and set-based (in, notin, exists, !exists) requirements, all of which
// must hold. Parsed once, matched many times; a bad selector names the offset where it went wrong.

export type Requirement =
  | { key: string; op: 'equals' | 'notEquals'; value: string }
  | { key: string; op: 'in' | 'notIn'; values: string[] }
  | { key: string; op: 'exists' | 'notExists' };

export interface LabelSelector {
  /** The selector as given. */
  text: string;
  requirements: Requirement[];
}

export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
  readonly code = 'InvalidLabelSelector';

  constructor(
    message: string,
    /** Offset (0-based, in characters) in the selector where parsing failed. */
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

// The shapes metadata.labels allows (schemas/release.schema.json): a qualified key, a short value.
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME = 63;
const MAX_PREFIX = 253;
const MAX_VALUE = 63;

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: '=' | '==' | '!=' | '!' | '(' | ')' | ','; at: number }
  | { kind: 'end'; at: number };

const WORD_END = /[\s,=!()]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '=' || c === '!') {
      const two = text[i + 1] === '=';
      tokens.push({ kind: c === '=' ? (two ? '==' : '=') : two ? '!=' : '!', at: i });
      i += two ? 2 : 1;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, at: i });
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !WORD_END.test(text[i] ?? '')) i++;
    tokens.push({ kind: 'word', text: text.slice(start, i), at: start });
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end';
  if (token.kind === 'word') return `"${token.text}"`;
  return `"${token.kind}"`;
}

function checkKey(token: Token & { kind: 'word' }): string {
  const key = token.text;
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > MAX_PREFIX || !PREFIX.test(prefix))) {
    throw new LabelSelectorError(`label key "${key}" has an invalid prefix (a DNS subdomain of at most ${MAX_PREFIX} characters)`, token.at);
  }
  if (name.length === 0 || name.length > MAX_NAME || !NAME.test(name)) {
    throw new LabelSelectorError(`label key "${key}" is invalid (at most ${MAX_NAME} letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`, token.at);
  }
  return key;
}

function checkValue(token: Token & { kind: 'word' }): string {
  if (token.text.length > MAX_VALUE || !NAME.test(token.text)) {
    throw new LabelSelectorError(`label value "${token.text}" is invalid (at most ${MAX_VALUE} letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`, token.at);
  }
  return token.text;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] ?? { kind: 'end', at: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.i++;
    return token;
  }

  private word(what: string): Token & { kind: 'word' } {
    const token = this.next();
    if (token.kind !== 'word') throw new LabelSelectorError(`expected ${what}, found ${describe(token)}`, token.at);
    return token;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    if (this.peek().kind === 'end') return requirements;
    for (;;) {
      requirements.push(this.requirement());
      const token = this.next();
      if (token.kind === 'end') return requirements;
      if (token.kind !== ',') throw new LabelSelectorError(`expected "," or the end, found ${describe(token)}`, token.at);
    }
  }

  private requirement(): Requirement {
    if (this.peek().kind === '!') {
      this.next();
      return { key: checkKey(this.word('a label key after "!"')), op: 'notExists' };
    }
    const key = checkKey(this.word('a label key'));
    const token = this.peek();
    if (token.kind === 'end' || token.kind === ',') return { key, op: 'exists' };
    if (token.kind === '=' || token.kind === '==' || token.kind === '!=') {
      this.next();
      const after = this.peek();
      // An empty value is allowed (`tier=`): it matches a label that is set to "".
      const value = after.kind === 'end' || after.kind === ',' ? '' : checkValue(this.word('a label value'));
      return { key, op: token.kind === '!=' ? 'notEquals' : 'equals', value };
    }
    if (token.kind === 'word' && (token.text === 'in' || token.text === 'notin')) {
      this.next();
      return { key, op: token.text === 'in' ? 'in' : 'notIn', values: this.valueSet() };
    }
    throw new LabelSelectorError(`expected "=", "==", "!=", "in", "notin", "," or the end after "${key}", found ${describe(token)}`, token.at);
  }

  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw new LabelSelectorError(`expected "(", found ${describe(open)}`, open.at);
    const values: string[] = [];
    for (;;) {
      const token = this.peek();
      // `in ()` or `in (a,)`: Kubernetes refuses an empty value in a set too.
      if (token.kind !== 'word') throw new LabelSelectorError(`expected a label value, found ${describe(token)}`, token.at);
      values.push(checkValue(this.word('a label value')));
      const sep = this.next();
      if (sep.kind === ')') return values;
      if (sep.kind !== ',') throw new LabelSelectorError(`expected "," or ")", found ${describe(sep)}`, sep.at);
    }
  }
}

/** Parses a selector; the empty selector selects everything. Throws LabelSelectorError. */
export function parseLabelSelector(text: string): LabelSelector {
  return { text, requirements: new Parser(tokenize(text)).parse() };
}

function holds(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.op) {
    case 'equals':
      return value === requirement.value;
    case 'notEquals':
      return value !== requirement.value;
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notIn':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return has;
    case 'notExists':
      return !has;
  }
}

/** True when every requirement holds for these labels (Kubernetes: `!=` and `notin` match an absent label). */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => holds(r, labels));
}

/** A selector with no requirements selects every Release, labelled or not. */
export function selectsEverything(selector: LabelSelector): boolean {
  return selector.requirements.length === 0;
}
