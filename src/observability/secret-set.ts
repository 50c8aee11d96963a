import { REDACTED, replaceRanges } from "./redacted-ranges.js";
import { SecretMatcher } from "./secret-matcher.js";
import {
  redactShapesInBytes,
  redactShapesInText,
  type SecretShape,
  ShapeStreamRedactor,
} from "./secret-shape.js";

export { REDACTED };

/**
 * The shortest secret the config accepts. Every registered secret is redacted whatever its length, but a value
 * this short is a placeholder, not a key, and would mangle ordinary text (and JSON field names) wherever it
 * occurs; refusing it at load time keeps the promise that no configured secret is ever sent.
 */
export const MIN_SECRET_LENGTH = 6;

/**
 * Every secret the gateway knows (provider keys, and whatever later owners add: gateway master keys, the key
 * pepper), and the one mechanism that keeps them out of what the gateway sends and logs: response bodies and
 * headers (api/response-redaction.ts), relayed and translated streams (`createStreamRedactor`), log lines
 * (observability/logger.ts), and anything else that leaves the process through `redactText`/`redactBytes`.
 *
 * Owners add values when they load them (the route table when it is built, the primary when it loads the
 * config), never per request; the matcher is rebuilt then. Values are never removed: a key that a reload
 * retired is still a key when a late message echoes it. Secrets that come in numbers (gateway keys) are known
 * by their shape instead (secret-shape.ts): every one of them is redacted, at no cost per key.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private current = new SecretMatcher([]);
  private shapes: readonly SecretShape[] = [];

  /** Redacts every secret of this shape from now on (once per shape: known by its prefix). */
  addShape(shape: SecretShape): void {
    if (!this.shapes.some((known) => known.prefix === shape.prefix)) this.shapes = [...this.shapes, shape];
  }

  /** Whether there is nothing to redact (the output paths then skip redaction altogether). */
  get empty(): boolean {
    return this.current.empty && this.shapes.length === 0;
  }

  add(values: Iterable<string>): void {
    let changed = false;
    for (const value of values) {
      if (value.length > 0 && !this.values.has(value)) {
        this.values.add(value);
        changed = true;
      }
    }
    if (changed) {
      const forms = new Set<string>();
      for (const value of this.values) for (const form of encodedForms(value)) forms.add(form);
      this.current = new SecretMatcher([...forms].map((form) => Buffer.from(form, "utf8")));
    }
  }

  /** Whether `value` is one of the secrets (a lookup: cheap enough to ask per request before adding). */
  has(value: string): boolean {
    return this.values.has(value);
  }

  get size(): number {
    return this.values.size;
  }

  /**
   * The text with every secret replaced by `[REDACTED]`; the same string when there is none. `shapes: false`
   * leaves the secrets known by their shape (for the one answer that shows a new gateway key).
   */
  redactText(text: string, options?: { shapes: boolean }): string {
    const redacted = this.redactValues(text);
    return this.shapes.length === 0 || options?.shapes === false
      ? redacted
      : redactShapesInText(redacted, this.shapes);
  }

  private redactValues(text: string): string {
    const matcher = this.current;
    if (matcher.empty || text.length === 0) return text;
    if (!matcher.asciiOnly) {
      const bytes = Buffer.from(text, "utf8");
      const redacted = redactWith(matcher, bytes);
      return redacted === bytes ? text : Buffer.from(redacted).toString("utf8");
    }
    const ranges: number[] = [];
    matcher.scanText(text, ranges);
    if (ranges.length === 0) return text;
    let result = "";
    let position = 0;
    for (let index = 0; index < ranges.length; index += 2) {
      result += text.slice(position, ranges[index]) + REDACTED;
      position = ranges[index + 1] as number;
    }
    return result + text.slice(position);
  }

  /** The bytes with every secret replaced; the same buffer when there is none. */
  redactBytes(bytes: Uint8Array): Uint8Array {
    const matcher = this.current;
    const redacted = matcher.empty ? bytes : redactWith(matcher, bytes);
    return this.shapes.length === 0 ? redacted : redactShapesInBytes(redacted, this.shapes);
  }

  /** A redactor for one byte stream, with the secrets known now. */
  createStreamRedactor(): StreamRedactor {
    return new StreamRedactor(
      this.current,
      this.shapes.length === 0 ? undefined : new ShapeStreamRedactor(this.shapes),
    );
  }
}

/**
 * Redacts a byte stream chunk by chunk. A chunk's bytes are passed on at once except the few trailing ones that
 * could be the start of a secret (at most a secret's length), held until the next chunk shows whether they are:
 * a secret split across chunks is redacted like any other.
 */
export class StreamRedactor {
  private state = 0;
  private held: Uint8Array = Buffer.alloc(0);
  /** Matches found in the held bytes, [start, end) pairs relative to them. */
  private heldRanges: number[] = [];

  constructor(
    private readonly matcher: SecretMatcher,
    /** The second pass, for secrets known by their shape (none when no shape is registered). */
    private readonly shapes: ShapeStreamRedactor | undefined,
  ) {}

  /** The bytes that can be sent now (possibly none). */
  push(chunk: Uint8Array): Uint8Array {
    const bytes = this.pushValues(chunk);
    return this.shapes === undefined ? bytes : this.shapes.push(bytes);
  }

  /** The bytes still held when the stream ends: the start of a secret that never came whole. */
  end(): Uint8Array {
    const rest = this.endValues();
    if (this.shapes === undefined) return rest;
    const last = this.shapes.push(rest);
    const held = this.shapes.end();
    return held.length === 0 ? last : Buffer.concat([last, held]);
  }

  private pushValues(chunk: Uint8Array): Uint8Array {
    const matcher = this.matcher;
    if (matcher.empty) return chunk;
    const heldLength = this.held.length;
    const ranges = this.heldRanges;
    this.state = matcher.scanBytes(chunk, this.state, ranges, heldLength);
    const holdBack = matcher.holdBackIn(this.state);
    // The common case, every relayed chunk without a secret: the chunk itself, nothing allocated.
    if (heldLength === 0 && holdBack === 0 && ranges.length === 0) return chunk;
    const data = heldLength === 0 ? chunk : Buffer.concat([this.held, chunk]);
    let cut = data.length - holdBack;
    // A match that the cut would split is held whole.
    for (let index = 0; index < ranges.length; index += 2) {
      if ((ranges[index + 1] as number) > cut) {
        cut = Math.min(cut, ranges[index] as number);
        break;
      }
    }
    let sent = 0;
    while (sent < ranges.length && (ranges[sent + 1] as number) <= cut) sent += 2;
    const out = replaceRanges(cut === data.length ? data : data.subarray(0, cut), ranges.slice(0, sent));
    this.heldRanges = ranges.slice(sent).map((offset) => offset - cut);
    // A copy: the held bytes are few, the chunk they come from may be large.
    this.held = cut === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(cut));
    return out;
  }

  private endValues(): Uint8Array {
    const rest = replaceRanges(this.held, this.heldRanges);
    this.held = Buffer.alloc(0);
    this.heldRanges = [];
    return rest;
  }
}

function redactWith(matcher: SecretMatcher, bytes: Uint8Array): Uint8Array {
  const ranges: number[] = [];
  matcher.scanAllBytes(bytes, ranges);
  return replaceRanges(bytes, ranges);
}

/**
 * The ways a secret can be written in what the gateway relays: as it is, and as JSON encoders escape it inside a
 * string (quotes and control characters; `/` as `\/`, as some encoders do; non-ASCII as `\uXXXX`, as Python's
 * json module does by default).
 */
function encodedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const asciiJson = json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [value, json, json.replaceAll("/", "\\/"), asciiJson];
}

/** The gateway process's secrets: the one set every owner adds to and every output path redacts with. */
export const gatewaySecrets = new SecretSet();
