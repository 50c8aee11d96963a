import type { CompletionsResponse } from "../../canonical/index.js";
import { encodeCompletionFinishReason, type OpenAICompletionFinishReason } from "./finish-reason-encoder.js";
import { createResponseId } from "./response-id.js";
import { encodeOpenAIUsage, type OpenAIUsage } from "./usage-encoder.js";

/** A `text_completion` object (OpenAI's CreateCompletionResponse). */
export interface OpenAITextCompletion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: { index: number; text: string; logprobs: null; finish_reason: OpenAICompletionFinishReason }[];
  usage: OpenAIUsage;
}

/**
 * Encodes a canonical completions response as OpenAI's legacy `text_completion` object
 * (https://platform.openai.com/docs/api-reference/completions/object). `model` as for encodeOpenAIChatResponse.
 */
export function encodeOpenAICompletionsResponse(
  response: CompletionsResponse,
  model: string,
): OpenAITextCompletion {
  return {
    id: response.id ?? createResponseId("cmpl"),
    object: "text_completion",
    created: response.created,
    model,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      text: choice.text,
      logprobs: null,
      finish_reason: encodeCompletionFinishReason(choice.finishReason),
    })),
    usage: encodeOpenAIUsage(response.usage),
  };
}
