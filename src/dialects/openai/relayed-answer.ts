import { isRecord, type JsonRecord, optionalNumber, optionalString } from "../narrow.js";

/** Delta fields that open no part of the answer: the role, and empty content. */
const OPENING_FIELDS = new Set(["role", "content"]);
/** Delta fields whose part of the answer a text prefill cannot carry. */
const NOT_TEXT_FIELDS = new Set(["tool_calls", "function_call", "refusal", "audio"]);

/**
 * What the side tap of a relayed chat completions stream learns from its chunks
 * (https://platform.openai.com/docs/api-reference/chat-streaming), without changing a byte:
 * - whether a chunk carries a token: the commit point waits for the first one, so that an upstream that opens
 *   its stream (role chunk) and then stays silent can still be left for another target;
 * - which choices have finished: a body that ends after every choice's finish_reason is a complete answer, even
 *   without its `[DONE]`;
 * - the answer so far, for mid-stream continuation: the stream's id, created and model, and the text of
 *   choice 0, as long as the answer is plain text in one choice (a tool call, a refusal or a second choice
 *   cannot be continued from a text prefill).
 */
export class RelayedAnswer {
  /** Whether a chunk carries a token, without recording anything (the commit point's question). */
  static carriesToken(payload: JsonRecord): boolean {
    return new RelayedAnswer().push(payload);
  }

  id: string | undefined;
  model: string | undefined;
  created: number | undefined;
  systemFingerprint: string | undefined;
  text = "";
  /** The answer is plain text in one choice, so far. */
  continuable = true;
  /** Per choice index seen: whether it finished. */
  private readonly choices = new Map<number, boolean>();

  /** Reads one chunk; returns whether it carries a token. */
  push(payload: JsonRecord): boolean {
    if (this.id === undefined) {
      this.id = optionalString(payload.id);
      this.model = optionalString(payload.model);
      this.created = optionalNumber(payload.created);
      this.systemFingerprint = optionalString(payload.system_fingerprint);
    }
    const choices = payload.choices;
    // The usage chunk (no choices) comes after the finish: it is part of the answer.
    if (!Array.isArray(choices) || choices.length === 0) return payload.usage !== undefined;
    let token = false;
    for (const [position, choice] of choices.entries()) {
      if (!isRecord(choice)) continue;
      const index = optionalNumber(choice.index) ?? position;
      if (index !== 0) this.continuable = false;
      if (typeof choice.finish_reason === "string") {
        this.choices.set(index, true);
        token = true;
      } else if (!this.choices.has(index)) this.choices.set(index, false);
      const delta = choice.delta;
      if (isRecord(delta) && this.readDelta(delta, index)) token = true;
      // A legacy completions chunk carries its text on the choice (no delta): a token, but the continuation
      // speaks chat chunks, so such an answer is not continued.
      if (typeof choice.text === "string" && choice.text !== "") {
        token = true;
        this.continuable = false;
      }
    }
    return token;
  }

  /** Every choice seen has its finish reason: the answer is complete, whatever follows or does not. */
  get finished(): boolean {
    if (this.choices.size === 0) return false;
    for (const done of this.choices.values()) if (!done) return false;
    return true;
  }

  private readDelta(delta: JsonRecord, index: number): boolean {
    let token = false;
    const content = delta.content;
    if (typeof content === "string" && content !== "") {
      token = true;
      if (index === 0) this.text += content;
    }
    for (const key in delta) {
      if (OPENING_FIELDS.has(key) || isEmpty(delta[key])) continue;
      token = true;
      if (NOT_TEXT_FIELDS.has(key)) this.continuable = false;
    }
    return token;
  }
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  return Array.isArray(value) && value.length === 0;
}
