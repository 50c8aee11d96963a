import {
  budgetOf,
  type ChatRequest,
  effortOf,
  type Reasoning,
  type ReasoningRequest,
} from "../../canonical/index.js";
import { isRecord, type JsonRecord, optionalString } from "../narrow.js";
import { continuesToolUseWithoutThinking } from "../thinking-continuity.js";

/**
 * The wire family of Bedrock's reasoning blocks: their signatures are checked by Bedrock (not by Anthropic's own
 * API, even for Claude), so they go back to Bedrock upstreams only.
 */
export const BEDROCK_REASONING_ORIGIN = "bedrock";

/**
 * A `redactedContent` block (reasoning the model provider encrypted) travels in the canonical reasoning's opaque
 * signature with this prefix, so that it comes back to Bedrock as the same block. A reasoningText signature is
 * base64 and never contains `:`.
 */
const REDACTED = "redacted:";

/** The `max_tokens` Claude gets when the client set none: it must exceed the thinking budget. */
const DEFAULT_ANSWER_TOKENS = 4096;

/**
 * The reasoning request as the model family on Bedrock takes it, in `additionalModelRequestFields`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-reasoning.html), and the `maxTokens` it needs:
 * - Anthropic Claude: `thinking: {type: "enabled", budget_tokens}`, the budget below `maxTokens` (cut to fit a
 *   client's limit; without one, the limit is raised above the budget), as on Anthropic's own API; left out for
 *   the turn that answers tool calls made without Bedrock's thinking (thinking-continuity.ts);
 * - Amazon Nova: `reasoningConfig: {type: "enabled", maxReasoningEffort: low | medium | high}`;
 * - OpenAI's gpt-oss: `reasoning_effort: low | medium | high`;
 * - any other family (DeepSeek-R1 reasons of its own accord; Llama, Mistral, Titan, ... do not reason) takes no
 *   reasoning parameter: the request's reasoning is a hint, dropped rather than refused.
 */
export function encodeReasoningFields(
  request: ChatRequest,
  model: string,
): { fields: JsonRecord; maxTokens?: number } {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return { fields: {} };
  if (/anthropic\.|claude/i.test(model)) {
    if (continuesToolUseWithoutThinking(request.messages, BEDROCK_REASONING_ORIGIN)) return { fields: {} };
    const budget = budgetOf(reasoning);
    const maxTokens = request.maxTokens ?? budget + DEFAULT_ANSWER_TOKENS;
    const budgetTokens = budget < maxTokens ? budget : Math.max(1, maxTokens - 1);
    return { fields: { thinking: { type: "enabled", budget_tokens: budgetTokens } }, maxTokens };
  }
  if (/amazon\.nova/i.test(model)) {
    return { fields: { reasoningConfig: { type: "enabled", maxReasoningEffort: threeLevels(reasoning) } } };
  }
  if (/openai\.gpt-oss/i.test(model)) return { fields: { reasoning_effort: threeLevels(reasoning) } };
  return { fields: {} };
}

function threeLevels(reasoning: ReasoningRequest): "low" | "medium" | "high" {
  const effort = effortOf(reasoning);
  if (effort === "minimal" || effort === "low") return "low";
  return effort === "medium" ? "medium" : "high";
}

/** A response's `reasoningContent` block (a ReasoningContentBlock union) as canonical reasoning. */
export function decodeReasoningBlock(block: unknown): Reasoning | undefined {
  if (!isRecord(block)) return undefined;
  if (isRecord(block.reasoningText)) {
    const reasoning: Reasoning = {
      text: optionalString(block.reasoningText.text) ?? "",
      origin: BEDROCK_REASONING_ORIGIN,
    };
    const signature = optionalString(block.reasoningText.signature);
    if (signature !== undefined && signature !== "") reasoning.signature = signature;
    return reasoning;
  }
  const redacted = optionalString(block.redactedContent);
  if (redacted === undefined) return undefined;
  return { text: "", signature: redactedSignature(redacted), origin: BEDROCK_REASONING_ORIGIN };
}

export function redactedSignature(redactedContent: string): string {
  return `${REDACTED}${redactedContent}`;
}

/**
 * Earlier reasoning as the `reasoningContent` blocks an assistant turn must start with (Claude on Bedrock
 * requires them back unchanged when a turn continues a tool use with thinking on). Only Bedrock's own signed or
 * redacted reasoning goes back: another provider's signature would be refused, and unsigned text is not
 * verifiable, so it is left out (an earlier turn's thinking does not reach the model anyway).
 */
export function encodeReasoningBlocks(reasoning: readonly Reasoning[] | undefined): JsonRecord[] {
  const blocks: JsonRecord[] = [];
  for (const part of reasoning ?? []) {
    if (part.origin !== BEDROCK_REASONING_ORIGIN || part.signature === undefined) continue;
    if (part.signature.startsWith(REDACTED)) {
      blocks.push({ reasoningContent: { redactedContent: part.signature.slice(REDACTED.length) } });
    } else {
      blocks.push({ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } });
    }
  }
  return blocks;
}
