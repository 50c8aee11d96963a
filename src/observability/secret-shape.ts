import { mergeRanges, REDACTED_BYTES, replaceRanges } from "./redacted-ranges.js";

/**
 * A kind of secret known by its form rather than by its value: every gateway key, whether or not this process
 * has seen it. Registering each key's value instead would rebuild the secret matcher once per new key, which
 * costs seconds of a worker's time (and hundreds of MB) once there are thousands of keys.
 */
export interface SecretShape {
  /** What every secret of this shape starts with (ASCII). */
  readonly prefix: string;
  /** The whole secret, sticky (`y` flag): tried where the prefix was found. */
  readonly whole: RegExp;
  /** Matches text that could still grow into a secret of this shape (anchored at both ends). */
  readonly couldStart: RegExp;
  /** The longest secret of this shape, in characters (all ASCII, so in bytes too). */
  readonly maxLength: number;
}

/**
 * Appends the [start, end) ranges of the secrets of `shapes` found in `text` to `ranges`, sorted. For bytes, `text`
 * is their latin1 decoding, so offsets are byte offsets.
 */
export function findShapes(text: string, shapes: readonly SecretShape[], ranges: number[]): void {
  for (const shape of shapes) {
    let from = text.indexOf(shape.prefix);
    while (from !== -1) {
      shape.whole.lastIndex = from;
      const match = shape.whole.exec(text);
      const end = match === null ? from + 1 : from + match[0].length;
      if (match !== null) ranges.push(from, end);
      from = text.indexOf(shape.prefix, end);
    }
  }
  if (shapes.length > 1) mergeRanges(ranges);
}

/**
 * Where the bytes that could start a secret of `shapes` begin at the end of `text` (from `after` on), or
 * `text.length` when none could: those bytes are held back until the next chunk shows what they are.
 */
export function shapeHoldBack(text: string, shapes: readonly SecretShape[], after: number): number {
  let cut = text.length;
  for (const shape of shapes) {
    const first = shape.prefix[0] as string;
    let position = text.indexOf(first, Math.max(after, text.length - shape.maxLength + 1));
    while (position !== -1 && position < cut) {
      if (shape.couldStart.test(text.slice(position))) {
        cut = position;
        break;
      }
      position = text.indexOf(first, position + 1);
    }
  }
  return cut;
}

/**
 * Redacts the secrets of `shapes` from a byte stream, chunk by chunk: a chunk goes on at once unless it holds the
 * prefix of a shape or ends with bytes that could start one (held until the next chunk shows what they are).
 */
export class ShapeStreamRedactor {
  private held: Buffer = EMPTY;
  private readonly longest: number;

  constructor(private readonly shapes: readonly SecretShape[]) {
    this.longest = Math.max(...shapes.map((shape) => shape.maxLength));
  }

  push(chunk: Uint8Array): Uint8Array {
    const data = this.held.length === 0 ? asBuffer(chunk) : Buffer.concat([this.held, chunk]);
    const tail = Math.max(0, data.length - this.longest + 1);
    const suspect = this.shapes.some(
      (shape) => data.indexOf(shape.prefix) !== -1 || data.indexOf(shape.prefix.charCodeAt(0), tail) !== -1,
    );
    if (!suspect) {
      this.held = EMPTY;
      return data;
    }
    const text = data.toString("latin1");
    const ranges: number[] = [];
    findShapes(text, this.shapes, ranges);
    const cut = shapeHoldBack(text, this.shapes, ranges.length === 0 ? 0 : (ranges.at(-1) as number));
    // A copy: the held bytes are few, the chunk they come from may be large.
    this.held = cut === data.length ? EMPTY : Buffer.from(data.subarray(cut));
    return replaceRanges(cut === data.length ? data : data.subarray(0, cut), ranges);
  }

  /** The bytes still held when the stream ends: the start of a secret that never came whole. */
  end(): Uint8Array {
    const rest = this.held;
    this.held = EMPTY;
    return rest;
  }
}

/** The bytes with every secret of `shapes` replaced; the same bytes when there is none. */
export function redactShapesInBytes(bytes: Uint8Array, shapes: readonly SecretShape[]): Uint8Array {
  const buffer = asBuffer(bytes);
  if (!shapes.some((shape) => buffer.indexOf(shape.prefix) !== -1)) return bytes;
  const ranges: number[] = [];
  findShapes(buffer.toString("latin1"), shapes, ranges);
  return replaceRanges(bytes, ranges);
}

/** The text with every secret of `shapes` replaced; the same string when there is none. */
export function redactShapesInText(text: string, shapes: readonly SecretShape[]): string {
  if (!shapes.some((shape) => text.includes(shape.prefix))) return text;
  const ranges: number[] = [];
  findShapes(text, shapes, ranges);
  let result = "";
  let position = 0;
  for (let index = 0; index < ranges.length; index += 2) {
    result += `${text.slice(position, ranges[index])}${REDACTED}`;
    position = ranges[index + 1] as number;
  }
  return result + text.slice(position);
}

const EMPTY = Buffer.alloc(0);
const REDACTED = REDACTED_BYTES.toString("latin1");

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
