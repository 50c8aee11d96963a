/**
 * A multi-pattern matcher (Aho-Corasick, compiled to a DFA) over bytes: one pass finds every occurrence of any
 * secret, however many there are, so redaction costs a table lookup per byte, whatever the number of secrets.
 * It is built once when the set of secrets changes (when a route table is built), never per request. The npm
 * Aho-Corasick packages match whole JavaScript strings; relaying needs bytes, a state that carries over from one
 * chunk to the next, and to know how many trailing bytes could still start a secret, which this gives.
 *
 * Strings are scanned directly (no encoding to bytes) when every pattern is ASCII: a code unit >= 0x80 can
 * then be part of no match, so a string and its UTF-8 bytes have the same matches.
 */
export class SecretMatcher {
  /** Byte -> input class; 0 for the bytes that occur in no pattern. A byte-sized table: about a fifth faster
   * to scan with than a wider one. */
  private readonly classOf = new Uint8Array(256);
  private readonly classes: number;
  /**
   * The DFA's transitions. A state is the offset of its row (`number * classes`), so a step is one lookup
   * (`next[state + class]`), and states are numbered so that those ending a match come last: a step is then
   * checked for a match with one comparison (`state >= firstMatchState`).
   */
  private readonly next: Int32Array;
  private readonly firstMatchState: number;
  /** Per state number: the length of the longest pattern that ends there (0: none). */
  private readonly matchLength: Int32Array;
  /** Per state number: how many of the bytes just read could still be the start of a match. */
  private readonly holdBack: Int32Array;
  /** Whether strings can be scanned code unit by code unit (every pattern is ASCII). */
  readonly asciiOnly: boolean;
  readonly empty: boolean;
  /**
   * The patterns, when they are few, for a whole text or buffer to be searched natively before it is scanned:
   * `indexOf` skips ahead through text with none of them far faster than the automaton steps a byte at a time, and
   * most of what the gateway sends holds no secret. With many patterns the one pass wins, and this is undefined.
   */
  private readonly byteNeedles: Buffer[] | undefined;
  /** The same as strings, when every pattern is ASCII. */
  private readonly textNeedles: string[] | undefined;

  constructor(patterns: readonly Uint8Array[]) {
    const used = patterns.filter((pattern) => pattern.length > 0);
    this.empty = used.length === 0;
    this.asciiOnly = used.every((pattern) => pattern.every((byte) => byte < 0x80));
    const few = used.length > 0 && used.length <= MAX_NEEDLES;
    this.byteNeedles = few ? used.map((pattern) => Buffer.from(pattern)) : undefined;
    this.textNeedles =
      few && this.asciiOnly ? used.map((pattern) => Buffer.from(pattern).toString("latin1")) : undefined;
    const present = new Uint8Array(256);
    for (const pattern of used) for (const byte of pattern) present[byte] = 1;
    let classes = 1;
    // When every byte value occurs in some pattern, no class is needed for "none": each byte is its own class.
    if (present.every((flag) => flag === 1)) {
      for (let byte = 0; byte < 256; byte++) this.classOf[byte] = byte;
      classes = 256;
    } else {
      for (let byte = 0; byte < 256; byte++) if (present[byte] === 1) this.classOf[byte] = classes++;
    }
    this.classes = classes;
    const automaton = buildAutomaton(used, this.classOf, classes);
    const states = automaton.depth.length;

    // Renumber: the root stays 0, states that end no match next, match states last.
    const order: number[] = [];
    for (let state = 0; state < states; state++) if (automaton.matchLength[state] === 0) order.push(state);
    this.firstMatchState = order.length * classes;
    for (let state = 0; state < states; state++) if (automaton.matchLength[state] !== 0) order.push(state);
    const numberOf = new Int32Array(states);
    for (const [number, state] of order.entries()) numberOf[state] = number;
    this.next = new Int32Array(states * classes);
    this.matchLength = new Int32Array(states);
    this.holdBack = new Int32Array(states);
    for (const [number, state] of order.entries()) {
      for (let unit = 0; unit < classes; unit++) {
        const target = automaton.next[state * classes + unit] as number;
        this.next[number * classes + unit] = (numberOf[target] as number) * classes;
      }
      this.matchLength[number] = automaton.matchLength[state] as number;
      this.holdBack[number] = automaton.holdBack[state] as number;
    }
  }

  /** How many trailing bytes of what was read could be the start of a secret, in `state`. */
  holdBackIn(state: number): number {
    return this.holdBack[state / this.classes] as number;
  }

  /**
   * Feeds bytes from `state`; the matches found are appended to `ranges` as [start, end) pairs, offset by
   * `offset`, overlapping ones merged. Returns the state after the last byte.
   */
  scanBytes(bytes: Uint8Array, state: number, ranges: number[], offset = 0): number {
    const { next, classOf, firstMatchState } = this;
    let current = state;
    for (let index = 0; index < bytes.length; index++) {
      current = next[current + (classOf[bytes[index] as number] as number)] as number;
      if (current >= firstMatchState) this.addMatch(ranges, current, offset + index + 1);
    }
    return current;
  }

  /** As scanBytes from the start state over a whole buffer (no state carried over): the matches in it. */
  scanAllBytes(bytes: Uint8Array, ranges: number[]): void {
    if (this.byteNeedles !== undefined) {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (!this.byteNeedles.some((needle) => buffer.includes(needle))) return;
    }
    this.scanBytes(bytes, 0, ranges);
  }

  /** As scanBytes from the start state, over a string's code units; only for `asciiOnly` matchers. */
  scanText(text: string, ranges: number[]): void {
    if (this.textNeedles !== undefined && !this.textNeedles.some((needle) => text.includes(needle))) return;
    const { next, classOf, firstMatchState } = this;
    let current = 0;
    for (let index = 0; index < text.length; index++) {
      const unit = text.charCodeAt(index);
      current = next[current + (unit < 0x80 ? (classOf[unit] as number) : 0)] as number;
      if (current >= firstMatchState) this.addMatch(ranges, current, index + 1);
    }
  }

  private addMatch(ranges: number[], state: number, end: number): void {
    addRange(ranges, end - (this.matchLength[state / this.classes] as number), end);
  }
}

/** Up to this many patterns, a text is searched for each natively before the automaton scans it. */
const MAX_NEEDLES = 8;

interface Automaton {
  /** `next[state * classes + class]`, state numbers in creation order (the root is 0). */
  next: Int32Array;
  depth: Int32Array;
  matchLength: Int32Array;
  holdBack: Int32Array;
}

/** The trie of the patterns, then failure links breadth first, every missing edge borrowed (a full DFA). */
function buildAutomaton(patterns: readonly Uint8Array[], classOf: Uint8Array, classes: number): Automaton {
  const capacity = 1 + patterns.reduce((sum, pattern) => sum + pattern.length, 0);
  const next = new Int32Array(capacity * classes).fill(-1);
  const depth = new Int32Array(capacity);
  const terminal = new Int32Array(capacity);
  let states = 1;
  for (const pattern of patterns) {
    let state = 0;
    for (const byte of pattern) {
      const slot = state * classes + (classOf[byte] as number);
      if (next[slot] === -1) {
        depth[states] = (depth[state] as number) + 1;
        next[slot] = states++;
      }
      state = next[slot] as number;
    }
    terminal[state] = pattern.length;
  }
  const fail = new Int32Array(states);
  const hasChild = new Uint8Array(states);
  const matchLength = new Int32Array(states);
  const holdBack = new Int32Array(states);
  const queue = new Int32Array(states);
  let head = 0;
  let tail = 0;
  for (let unit = 0; unit < classes; unit++) {
    const child = next[unit] as number;
    if (child > 0) {
      hasChild[0] = 1;
      queue[tail++] = child;
    } else next[unit] = 0;
  }
  while (head < tail) {
    const state = queue[head++] as number;
    const failure = fail[state] as number;
    // The failure state is shallower, so it was dequeued (and completed) before this one.
    matchLength[state] = (terminal[state] as number) || (matchLength[failure] as number);
    for (let unit = 0; unit < classes; unit++) {
      const slot = state * classes + unit;
      const child = next[slot] as number;
      if (child === -1) next[slot] = next[failure * classes + unit] as number;
      else {
        hasChild[state] = 1;
        fail[child] = next[failure * classes + unit] as number;
        queue[tail++] = child;
      }
    }
  }
  // A state that can still grow into a longer match holds its bytes back; a leaf holds what its failure does.
  for (let index = 0; index < tail; index++) {
    const state = queue[index] as number;
    holdBack[state] =
      hasChild[state] === 1 ? (depth[state] as number) : (holdBack[fail[state] as number] as number);
  }
  return {
    next: next.subarray(0, states * classes),
    depth: depth.subarray(0, states),
    matchLength,
    holdBack,
  };
}

/**
 * Adds [start, end) to sorted, disjoint ranges. Matches arrive in order of their end, so the new range can
 * only swallow ranges at the end of the list (a long secret that contains shorter ones).
 */
function addRange(ranges: number[], start: number, end: number): void {
  let from = start;
  while (ranges.length > 0 && from <= (ranges[ranges.length - 1] as number)) {
    from = Math.min(from, ranges[ranges.length - 2] as number);
    ranges.length -= 2;
  }
  ranges.push(from, end);
}
