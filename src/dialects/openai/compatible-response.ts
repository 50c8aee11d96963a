import { isRecord, type JsonRecord } from "../narrow.js";
import type { FinishReasonMap } from "./finish-reason.js";
import { encodeChatFinishReason } from "./finish-reason-encoder.js";
import { readMessageText } from "./message-content.js";

/**
 * How an OpenAI-compatible server's answers differ from OpenAI's, as data (see providers/openai-compatible.ts).
 * The same declaration serves the translated path (decoders map the differences) and the relayed one, where
 * only an answer (or a stream chunk) that shows a difference is rewritten; the rest is relayed byte for byte.
 */
export interface ResponseQuirks {
  /** Finish reasons beyond OpenAI's (`eos` -> `stop`, `model_length` -> `length`). */
  finishReasons?: FinishReasonMap;
  /** The server names the reasoning text `reasoning`; OpenAI clients read DeepSeek's `reasoning_content`. */
  reasoningField?: "reasoning";
  /** `content` may be a list of typed chunks (Mistral's thinking, Databricks' reasoning parts) instead of text. */
  contentParts?: boolean;
}

/** Rewrites one relayed JSON text (a whole answer or a stream chunk's data); undefined when it needs nothing. */
export type ResponseRewriter = (text: string) => string | undefined;

/**
 * A rewriter for the declared differences, or undefined when there are none (the answer is relayed as it is).
 * A text is parsed only when a precompiled pattern finds one of the differences in it.
 */
export function createResponseRewriter(quirks: ResponseQuirks | undefined): ResponseRewriter | undefined {
  const needles: string[] = [];
  const reasons = Object.keys(quirks?.finishReasons ?? {});
  if (reasons.length > 0)
    needles.push(`"finish_reason"\\s*:\\s*"(?:${reasons.map(escapeRegExp).join("|")})"`);
  if (quirks?.reasoningField !== undefined) needles.push(`"${quirks.reasoningField}"\\s*:\\s*"`);
  if (quirks?.contentParts === true) needles.push(`"content"\\s*:\\s*\\[`);
  if (quirks === undefined || needles.length === 0) return undefined;
  const pattern = new RegExp(needles.join("|"));
  const finishReasons = quirks.finishReasons ?? {};
  return (text) => {
    if (!pattern.test(text)) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the relay reports the broken frame itself; nothing to rewrite here.
      return undefined;
    }
    if (!isRecord(body) || !Array.isArray(body.choices)) return undefined;
    body.choices = body.choices.map((choice) =>
      isRecord(choice) ? rewriteChoice(choice, finishReasons) : choice,
    );
    return JSON.stringify(body);
  };
}

function rewriteChoice(choice: JsonRecord, finishReasons: FinishReasonMap): JsonRecord {
  const out = { ...choice };
  const reason = choice.finish_reason;
  if (typeof reason === "string" && Object.hasOwn(finishReasons, reason)) {
    out.finish_reason = encodeChatFinishReason(finishReasons[reason] ?? null);
  }
  for (const key of ["message", "delta"] as const) {
    const message = choice[key];
    if (isRecord(message)) out[key] = rewriteMessage(message);
  }
  return out;
}

/** Reasoning as `reasoning_content`, content as text: what OpenAI SDKs and DeepSeek clients read. */
function rewriteMessage(message: JsonRecord): JsonRecord {
  const { content, reasoning } = readMessageText(message);
  const { reasoning: _renamed, ...rest } = message;
  const out: JsonRecord = { ...rest };
  if (Array.isArray(message.content)) out.content = content ?? (message.content.length === 0 ? "" : null);
  if (reasoning !== undefined) out.reasoning_content = reasoning;
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
