import { effortOf, type ReasoningRequest } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";

/**
 * What the Gemini codecs need to know of their target: the model (Gemini 3 models take a thinking level, earlier
 * ones a budget) and the reasoning origin its thought signatures belong to. The Gemini API and Vertex AI are
 * separate origins: a signature is checked by the service that made it, so one is never sent to the other.
 */
export interface GeminiTarget {
  model: string;
  origin: string;
}

export const GEMINI_API_TARGET: GeminiTarget = { model: "", origin: "gemini" };

/** Gemini 3 and later take `thinkingLevel` (https://ai.google.dev/gemini-api/docs/thinking#thinking-levels). */
function takesThinkingLevel(model: string): boolean {
  const match = /gemini-(\d+)/.exec(model);
  return match !== null && Number(match[1]) >= 3;
}

/**
 * The largest budgets Gemini 2.5 accepts (https://ai.google.dev/gemini-api/docs/thinking#set-budget): 32768 on
 * Pro, 24576 on Flash and Flash-Lite. A larger canonical budget (xhigh, max) is clamped rather than refused.
 */
function maxBudget(model: string): number {
  return /pro/.test(model) ? 32768 : 24576;
}

/**
 * An effort as a thinking budget, as Google maps OpenAI's `reasoning_effort` on its own OpenAI-compatible
 * endpoint (https://ai.google.dev/gemini-api/docs/openai#thinking); the efforts above `high` get the model's
 * largest budget.
 */
export const THINKING_BUDGET_OF_EFFORT: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/**
 * A canonical reasoning request as `generationConfig.thinkingConfig`
 * (https://ai.google.dev/api/generate-content#ThinkingConfig): `includeThoughts` so the thought summaries come
 * back (shown as thinking), and either a level (Gemini 3: Pro takes `low` and `high`, Flash also `minimal` and
 * `medium`) or a token budget (Gemini 2.5: a budget as it is, an effort as Google maps it), at most the model's
 * largest. Sending both is a 400, so a model gets exactly one.
 */
export function encodeThinkingConfig(reasoning: ReasoningRequest, model: string): JsonRecord {
  if (takesThinkingLevel(model))
    return { includeThoughts: true, thinkingLevel: thinkingLevel(reasoning, model) };
  const budget =
    reasoning.budgetTokens ?? THINKING_BUDGET_OF_EFFORT[effortOf(reasoning)] ?? Number.POSITIVE_INFINITY;
  return { includeThoughts: true, thinkingBudget: Math.min(budget, maxBudget(model)) };
}

function thinkingLevel(reasoning: ReasoningRequest, model: string): string {
  const effort = effortOf(reasoning);
  if (/flash/.test(model)) {
    if (effort === "minimal" || effort === "low" || effort === "medium") return effort;
    return "high";
  }
  return effort === "minimal" || effort === "low" ? "low" : "high";
}

/**
 * Gemini 3 refuses a function call in the current turn without its thought signature. A call that has none
 * (it came from another provider, or a client dropped it) gets the value Google documents for history that
 * another model produced (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs), so a conversation that
 * switched provider does not fail.
 */
export function missingSignatureFor(model: string): string | undefined {
  return takesThinkingLevel(model) ? "skip_thought_signature_validator" : undefined;
}

/**
 * Where a thought signature sat, kept in the canonical reasoning's opaque signature (only Gemini reads it back):
 * a thought part's own signature as it is; a text part's (Gemini puts one on the last part of an answer without
 * function calls) prefixed, so it goes back on the answer's last text part. Base64 never contains `:`.
 */
const TEXT_ANCHOR = "text:";

export function textPartSignature(signature: string): string {
  return `${TEXT_ANCHOR}${signature}`;
}

/** The signature and where it goes back: on a thought part, or on the last text part. */
export function decodeCanonicalSignature(signature: string): { onText: boolean; signature: string } {
  return signature.startsWith(TEXT_ANCHOR)
    ? { onText: true, signature: signature.slice(TEXT_ANCHOR.length) }
    : { onText: false, signature };
}
