import type { CompletionsChoice, CompletionsRequest, CompletionsResponse } from "../../canonical/index.js";
import {
  type JsonRecord,
  optionalNumber,
  optionalString,
  requireArray,
  requireRecord,
  unixSecondsNow,
} from "../narrow.js";
import type { CompatibleResponseOptions } from "./chat-response.js";
import { decodeFinishReason } from "./finish-reason.js";
import { encodeSamplingFields, encodeStreamFields } from "./sampling-encoder.js";
import { decodeUsage } from "./usage.js";

/**
 * Encodes a legacy `POST /completions` body (https://platform.openai.com/docs/api-reference/completions/create),
 * for servers that still have the endpoint (vLLM, Together, Ollama, TGI, ...): the prompt as it is (one string or
 * a list), the sampling fields, and extras (`echo`, `suffix`, `logprobs`, ...) forwarded.
 */
export function encodeCompletionsRequest(request: CompletionsRequest, model: string | null): JsonRecord {
  const body: JsonRecord = {};
  if (model !== null) body.model = model;
  body.prompt = request.prompt;
  encodeSamplingFields(request, body);
  encodeStreamFields(request, body);
  return Object.assign(body, request.extra);
}

/** Decodes a `text_completion` object. Unknown fields are ignored. */
export function decodeCompletionsResponse(
  body: unknown,
  options: CompatibleResponseOptions = {},
): CompletionsResponse {
  const root = requireRecord(body, "the response body");
  const choices = requireArray(root.choices, "`choices`").map((value, position): CompletionsChoice => {
    const choice = requireRecord(value, `choices[${position}]`);
    return {
      index: optionalNumber(choice.index) ?? position,
      text: optionalString(choice.text) ?? "",
      finishReason: decodeFinishReason(choice.finish_reason, options.finishReasons),
    };
  });
  return {
    id: optionalString(root.id) ?? null,
    model: optionalString(root.model) ?? "",
    created: optionalNumber(root.created) ?? unixSecondsNow(),
    choices,
    usage: decodeUsage(root.usage, null, root.service_tier),
  };
}
