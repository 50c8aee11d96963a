import { type JsonTextScan, nextNonSpace } from "./json-text-scan.js";

type JsonRecord = Record<string, unknown>;

const CLOSE_BRACE = 125;

/** A parsed body's own text, and what a relay changes in it. */
interface ClientText {
  text: string;
  openBrace: number;
  modelStart: number;
  modelEnd: number;
  /** The top-level `model` as parsed (none: the text has no model key, a relay adds one). */
  model: string | undefined;
  /** Top-level fields the body did not have, as JSON members each followed by a comma. */
  added: string;
}

/**
 * Parsed request bodies whose text is kept, for relays. Bodies are never changed in place (a relay or an
 * encoder builds a new object), which is what makes a body's text still true of it when it is relayed.
 */
const clientTexts = new WeakMap<object, ClientText>();

/**
 * Keeps the text a body was parsed from, when the scan found it spliceable (its top-level `model` string, if it
 * has one, is where the scan says): a relay then writes the client's text with that value replaced (or a model
 * added) instead of serialising the whole body again. On a 93 KB chat body `JSON.stringify` took 128 µs, a fifth
 * of the request's CPU; the splice takes a few. It also relays the client's numbers as written (a `seed` past 2^53
 * keeps its digits; `JSON.parse` would round it).
 */
export function keepClientText(body: unknown, text: string, scan: JsonTextScan): void {
  if (!scan.spliceable || typeof body !== "object" || body === null) return;
  const model = (body as JsonRecord).model;
  if (model !== undefined && typeof model !== "string") return;
  clientTexts.set(body, {
    text,
    openBrace: scan.openBrace,
    modelStart: scan.modelStart,
    modelEnd: scan.modelEnd,
    model,
    added: "",
  });
}

/** Lets a body's text go: the request will not relay it (a relay would serialise the body). */
export function forgetClientText(body: object): void {
  clientTexts.delete(body);
}

/**
 * `{ ...body, ...added }` for fields the body does not have: when the body's text is kept, it passes to the new
 * body, with the fields added (at the front; a member's place in an object means nothing in JSON).
 */
export function withAddedFields(body: JsonRecord, added: JsonRecord): JsonRecord {
  const derived = { ...body, ...added };
  const known = clientTexts.get(body);
  if (known === undefined) return derived;
  let members = "";
  let model = known.model;
  for (const key in added) {
    if (key in body) return derived;
    const value = added[key];
    // A model is the relay's to write (jsonWithModel sets it): it is only remembered.
    if (key === "model") {
      if (typeof value !== "string") return derived;
      model = value;
    } else members += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  }
  clientTexts.delete(body);
  clientTexts.set(derived, { ...known, model, added: known.added + members });
  return derived;
}

/**
 * The JSON text of `{ model, ...body }`: the client's text with its top-level model replaced when the body's
 * text is kept and its model is still the parsed one, else `JSON.stringify`. The text is used once (a retry
 * serialises), so a long stream does not keep it beside its upstream body.
 */
export function jsonWithModel(body: JsonRecord, model: string): string {
  const known = clientTexts.get(body);
  if (known !== undefined) {
    clientTexts.delete(body);
    if (body.model === known.model) {
      const { text, openBrace, modelStart, modelEnd, added } = known;
      const value = JSON.stringify(model);
      const start = openBrace + 1;
      if (modelStart === -1) {
        // The text has no model: it goes first, before a comma unless the object is empty.
        const comma = text.charCodeAt(nextNonSpace(text, start)) === CLOSE_BRACE ? "" : ",";
        return `${text.slice(0, start)}${added}"model":${value}${comma}${text.slice(start)}`;
      }
      return added === ""
        ? text.slice(0, modelStart) + value + text.slice(modelEnd)
        : text.slice(0, start) + added + text.slice(start, modelStart) + value + text.slice(modelEnd);
    }
  }
  const { model: _client, ...rest } = body;
  return JSON.stringify({ model, ...rest });
}
