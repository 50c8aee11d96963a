import { type ChatRequest, type ChatResponse, textOfContent } from "./chat.js";
import type { CompletionsRequest, CompletionsResponse } from "./completions.js";

/**
 * Serves a completions request through a chat API: the prompt becomes one user message. Providers whose
 * legacy text-completion endpoints are retired (OpenAI's chat models, Anthropic, Cohere) all use this.
 */
export function chatRequestFromCompletions(request: CompletionsRequest): ChatRequest {
  const { prompt, ...sampling } = request;
  return { ...sampling, messages: [{ role: "user", content: prompt }] };
}

export function completionsResponseFromChat(response: ChatResponse): CompletionsResponse {
  return {
    id: response.id,
    model: response.model,
    created: response.created,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      text: textOfContent(choice.message.content),
      finishReason: choice.finishReason,
    })),
    usage: response.usage,
  };
}
