import { describe, expect, it } from "vitest";
import { GATEWAY_KEY_SHAPE, generateKey } from "../governance/keys/key-format.js";
import { seededRandom } from "../providers/seeded-random.js";
import { SecretMatcher } from "./secret-matcher.js";
import { REDACTED, SecretSet } from "./secret-set.js";

const KEY = "sk-live-4f9c2a7e1b3d";

function setOf(...values: string[]): SecretSet {
  const set = new SecretSet();
  set.add(values);
  return set;
}

/** Pushes the pieces through a stream redactor and returns everything it let out, end included. */
function streamed(set: SecretSet, pieces: readonly string[]): string {
  const redactor = set.createStreamRedactor();
  const out = pieces.map((piece) => Buffer.from(redactor.push(Buffer.from(piece))).toString());
  return out.join("") + Buffer.from(redactor.end()).toString();
}

/** The obvious quadratic redaction, as the oracle: every occurrence of every secret, overlaps merged. */
function naiveRedact(text: string, secrets: readonly string[]): string {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const secret of secrets) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      for (let index = at; index < at + secret.length; index++) covered[index] = true;
    }
  }
  let out = "";
  for (let index = 0; index < text.length; index++) {
    if (!covered[index]) out += text[index];
    else if (index === 0 || !covered[index - 1]) out += REDACTED;
  }
  return out;
}

describe("SecretSet", () => {
  it("redacts every secret in text and in bytes, and returns the same value when there is none", () => {
    const set = setOf(KEY, "abcdef");
    expect(set.redactText(`Bearer ${KEY}, short abcdef.`)).toBe(`Bearer ${REDACTED}, short ${REDACTED}.`);
    const clean = "nothing to see";
    expect(set.redactText(clean)).toBe(clean);
    const bytes = Buffer.from(clean);
    expect(set.redactBytes(bytes)).toBe(bytes);
    expect(Buffer.from(set.redactBytes(Buffer.from(`x${KEY}y`))).toString()).toBe(`x${REDACTED}y`);
  });

  it("redacts overlapping secrets, and secrets inside other secrets, as one span", () => {
    const set = setOf("abcdef", "defghi", "bcd");
    expect(set.redactText("xxabcdefghixx")).toBe(`xx${REDACTED}xx`);
    expect(set.redactText("abcdefabcdef")).toBe(`${REDACTED}`);
    expect(set.redactText("zbcdz")).toBe(`z${REDACTED}z`);
  });

  it("redacts the JSON-escaped forms of a secret", () => {
    const secret = 'pa/ss"wörd\\1';
    const set = setOf(secret);
    const json = JSON.stringify({ message: `key ${secret}` });
    expect(json).not.toContain(secret);
    expect(set.redactText(json)).toBe(JSON.stringify({ message: `key ${REDACTED}` }));
    const slashEscaped = JSON.stringify(secret).slice(1, -1).replaceAll("/", "\\/");
    expect(set.redactText(`"${slashEscaped}"`)).toBe(`"${REDACTED}"`);
    const pythonAscii = JSON.stringify(secret).slice(1, -1).replace("ö", "\\u00f6");
    expect(set.redactText(`"${pythonAscii}"`)).toBe(`"${REDACTED}"`);
    expect(set.redactText(`raw ${secret}`)).toBe(`raw ${REDACTED}`);
  });

  it("scans non-ASCII text correctly whether or not the secrets are ASCII", () => {
    expect(setOf("clé-secrète-1").redactText("→ clé-secrète-1 ←")).toBe(`→ ${REDACTED} ←`);
    expect(setOf(KEY).redactText(`→ ${KEY} ← ü`)).toBe(`→ ${REDACTED} ← ü`);
  });

  it("keeps the secrets of earlier additions", () => {
    const set = setOf(KEY);
    set.add(["another-secret"]);
    expect(set.size).toBe(2);
    expect(set.redactText(`${KEY} another-secret`)).toBe(`${REDACTED} ${REDACTED}`);
  });
});

describe("SecretMatcher", () => {
  it("finds the same matches whether the text is searched natively first (few secrets) or not (many)", () => {
    const random = seededRandom(7);
    const pick = (alphabet: string, length: number): string =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    // 1 to 20 secrets: both sides of the number up to which a text is searched for each secret natively.
    for (let round = 0; round < 400; round++) {
      const secrets = Array.from({ length: 1 + (round % 20) }, () =>
        pick("abc", 6 + Math.floor(random() * 3)),
      );
      const set = setOf(...secrets);
      const text = pick("abcd", Math.floor(random() * 160));
      const expected = naiveRedact(text, secrets);
      expect(set.redactText(text)).toBe(expected);
      expect(Buffer.from(set.redactBytes(Buffer.from(text))).toString()).toBe(expected);
      // A view into a larger buffer is searched only where it lies.
      const edge = secrets[0] as string;
      const padded = Buffer.from(`${edge}|${text}|${edge}`);
      const view = padded.subarray(edge.length + 1, padded.length - edge.length - 1);
      expect(Buffer.from(set.redactBytes(view)).toString()).toBe(expected);
    }
  });

  it("matches patterns that use every byte value between them", () => {
    const everyByte = Uint8Array.from({ length: 256 }, (_, index) => index);
    const matcher = new SecretMatcher([everyByte, Buffer.from("needle")]);
    const haystack = Buffer.concat([Buffer.from("xx"), everyByte, Buffer.from("a needle")]);
    const ranges: number[] = [];
    matcher.scanBytes(haystack, 0, ranges);
    expect(ranges).toEqual([2, 258, 260, 266]);
  });
});

describe("StreamRedactor", () => {
  it("redacts a secret split at every position between two chunks", () => {
    const set = setOf(KEY);
    const text = `data: {"error":{"message":"Bearer ${KEY}"}}\n\n`;
    for (let split = 0; split <= text.length; split++) {
      expect(streamed(set, [text.slice(0, split), text.slice(split)])).toBe(naiveRedact(text, [KEY]));
    }
  });

  it("redacts a secret sent one byte at a time", () => {
    const set = setOf(KEY, "abcdef");
    const text = `a ${KEY} b abcdef c ${KEY}`;
    expect(streamed(set, [...text])).toBe(naiveRedact(text, [KEY, "abcdef"]));
  });

  it("passes bytes on at once, holding back only what could start a secret", () => {
    const redactor = setOf(KEY).createStreamRedactor();
    expect(Buffer.from(redactor.push(Buffer.from("hello sk-li"))).toString()).toBe("hello ");
    expect(Buffer.from(redactor.push(Buffer.from("ght"))).toString()).toBe("sk-light");
    const chunk = Buffer.from('data: {"x":1}\n\n');
    expect(redactor.push(chunk)).toBe(chunk);
    expect(Buffer.from(redactor.push(Buffer.from("sk-live"))).toString()).toBe("");
    expect(Buffer.from(redactor.end()).toString()).toBe("sk-live");
  });

  it("matches the naive redaction on random text, secrets and chunkings", () => {
    const random = seededRandom(42);
    const pick = (alphabet: string, length: number): string =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    for (let round = 0; round < 300; round++) {
      const secrets = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        pick("abc", 6 + Math.floor(random() * 4)),
      );
      const set = setOf(...secrets);
      const text = pick("abcd", Math.floor(random() * 120));
      const expected = naiveRedact(text, secrets);
      expect(set.redactText(text)).toBe(expected);
      const pieces: string[] = [];
      for (let start = 0; start < text.length; ) {
        const size = 1 + Math.floor(random() * 12);
        pieces.push(text.slice(start, start + size));
        start += size;
      }
      expect(streamed(set, pieces)).toBe(expected);
    }
  });

  it("passes everything through untouched when there are no secrets", () => {
    const redactor = new SecretSet().createStreamRedactor();
    const chunk = Buffer.from("sk-anything");
    expect(redactor.push(chunk)).toBe(chunk);
    expect(redactor.end().length).toBe(0);
  });
});

describe("secrets known by their shape (gateway keys)", () => {
  const keyA = generateKey().key;
  const keyB = generateKey().key;
  const shaped = (): SecretSet => {
    const set = setOf(KEY);
    set.addShape(GATEWAY_KEY_SHAPE);
    return set;
  };

  it("redacts every key of the shape in text and bytes, with the values' secrets, and nothing else", () => {
    const set = shaped();
    const text = `{"message":"keys ${keyA} and ${keyB}, provider ${KEY}, sk-sy-short, sk-sy-"}`;
    const expected = `{"message":"keys ${REDACTED} and ${REDACTED}, provider ${REDACTED}, sk-sy-short, sk-sy-"}`;
    expect(set.redactText(text)).toBe(expected);
    expect(Buffer.from(set.redactBytes(Buffer.from(text))).toString()).toBe(expected);
    const plain = "nothing secret here";
    expect(set.redactText(plain)).toBe(plain);
    expect(new SecretSet().empty).toBe(true);
    const onlyShape = new SecretSet();
    onlyShape.addShape(GATEWAY_KEY_SHAPE);
    expect(onlyShape.empty).toBe(false);
  });

  it("redacts a key split at every position between two chunks, and one sent a byte at a time", () => {
    const set = shaped();
    const text = `data: {"error":{"message":"Bearer ${keyA}"}}\n\n`;
    const expected = `data: {"error":{"message":"Bearer ${REDACTED}"}}\n\n`;
    for (let split = 0; split <= text.length; split++) {
      expect(streamed(set, [text.slice(0, split), text.slice(split)])).toBe(expected);
    }
    expect(streamed(set, [...`${keyA} then ${KEY}`])).toBe(`${REDACTED} then ${REDACTED}`);
  });

  it("passes chunks on at once unless they end with what could start a key", () => {
    const redactor = shaped().createStreamRedactor();
    const chunk = Buffer.from('data: {"x":1}\n\n');
    expect(redactor.push(chunk)).toBe(chunk);
    expect(Buffer.from(redactor.push(Buffer.from(`a ${keyA.slice(0, 20)}`))).toString()).toBe("a ");
    expect(Buffer.from(redactor.push(Buffer.from(" not a key"))).toString()).toBe(
      `${keyA.slice(0, 20)} not a key`,
    );
    expect(Buffer.from(redactor.push(Buffer.from("sk-s"))).toString()).toBe("");
    expect(Buffer.from(redactor.end()).toString()).toBe("sk-s");
  });

  it("costs nothing per key: a thousand keys are redacted without registering one", () => {
    const set = shaped();
    const keys = Array.from({ length: 1_000 }, () => generateKey().key);
    expect(set.redactText(keys.join(" "))).toBe(Array(keys.length).fill(REDACTED).join(" "));
    expect(set.size).toBe(1);
  });
});
