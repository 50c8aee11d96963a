import type { ChatChoice, ChatResponse, Reasoning, ToolCall } from "../../canonical/index.js";
import {
  invalidUpstreamResponse,
  isRecord,
  optionalNumber,
  optionalString,
  requireRecord,
  unixSecondsNow,
} from "../narrow.js";
import { decodeParts } from "./candidate-parts.js";
import { decodeFinishReason } from "./finish-reason.js";
import { GEMINI_API_TARGET } from "./thinking.js";
import { decodeUsage } from "./usage.js";

/**
 * Decodes a GenerateContentResponse (https://ai.google.dev/api/generate-content#generatecontentresponse): one
 * choice per candidate. A prompt that Gemini blocks comes back as HTTP 200 with `promptFeedback.blockReason` and
 * no candidates: that is one empty choice that finished with `content_filter`, not an error. The model is
 * `modelVersion` when given, else the configured one; `created` is Vertex's `createTime` when given, else now.
 * Thought parts and thought signatures become the choice's reasoning, from `origin` (see thinking.ts).
 */
export function decodeGenerateContentResponse(
  body: unknown,
  model: string,
  origin = GEMINI_API_TARGET.origin,
): ChatResponse {
  const root = requireRecord(body, "the response body");
  const responseId = optionalString(root.responseId);
  const candidates = Array.isArray(root.candidates) ? root.candidates : [];
  let choices: ChatChoice[];
  if (candidates.length > 0) {
    choices = candidates.map((candidate, position) =>
      decodeCandidate(candidate, position, responseId, origin),
    );
  } else if (isRecord(root.promptFeedback) && typeof root.promptFeedback.blockReason === "string") {
    choices = [{ index: 0, message: { role: "assistant", content: null }, finishReason: "content_filter" }];
  } else {
    throw invalidUpstreamResponse("`candidates` is missing and the prompt was not blocked");
  }
  return {
    id: responseId ?? null,
    model: optionalString(root.modelVersion) ?? model,
    created: createdOf(root.createTime),
    choices,
    usage: decodeUsage(root.usageMetadata),
  };
}

/**
 * One candidate: consecutive thought parts make one reasoning (as a stream joins them), a text part's signature a
 * reasoning of its own with no text (it goes back on the text: thinking.ts).
 */
function decodeCandidate(
  candidate: unknown,
  position: number,
  responseId: string | undefined,
  origin: string,
): ChatChoice {
  if (!isRecord(candidate)) throw invalidUpstreamResponse(`candidates[${position}] is not a JSON object`);
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const reasoning: Reasoning[] = [];
  let thinking: Reasoning | undefined;
  let textSignature: string | undefined;
  for (const part of decodeParts(candidate.content, responseId, 0, origin)) {
    if (part.kind === "thought") {
      if (thinking === undefined) {
        thinking = { text: "", origin };
        reasoning.push(thinking);
      }
      thinking.text += part.text;
      if (part.signature !== undefined) {
        // A signature ends its thought (as in a stream): another signed thought is a reasoning of its own.
        thinking.signature = part.signature;
        thinking = undefined;
      }
      continue;
    }
    thinking = undefined;
    if (part.kind === "tool_call") toolCalls.push(part.toolCall);
    else {
      text = (text ?? "") + part.text;
      if (part.signature !== undefined) textSignature = part.signature;
    }
  }
  if (textSignature !== undefined) reasoning.push({ text: "", signature: textSignature, origin });
  const message: ChatChoice["message"] = { role: "assistant", content: text };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  if (reasoning.length > 0) message.reasoning = reasoning;
  return {
    index: optionalNumber(candidate.index) ?? position,
    message,
    finishReason: decodeFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}

function createdOf(value: unknown): number {
  const parsed = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? unixSecondsNow() : Math.floor(parsed / 1000);
}
