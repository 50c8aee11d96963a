import { type ChatRequest, type ChatResponse, textOfContent } from "./chat.js";
import type { CompletionsRequest, CompletionsResponse } from "./completions.js";
import { GatewayError } from "./gateway-error.js";

/**
 * Parameters of OpenAI's legacy completions API that a chat API cannot honour, with the value that asks for
 * nothing (clients such as LangChain send these defaults explicitly): `echo` (repeat the prompt), `suffix`
 * (text after the insertion point), `best_of` (server-side candidates), `logprobs` (an integer there, with a
 * per-token object in the answer that chat does not produce).
 * https://platform.openai.com/docs/api-reference/completions/create
 */
const COMPLETIONS_ONLY: Record<string, (value: unknown) => boolean> = {
  echo: (value) => value === false || value === null,
  suffix: (value) => value === null || value === "",
  best_of: (value) => value === 1 || value === null,
  logprobs: (value) => value === null || value === false,
};

/**
 * Serves a completions request through a chat API: the prompt becomes one user message. Providers without a
 * text-completions endpoint (OpenAI's chat models, Anthropic, Cohere, Mistral, Groq, ...) all use this.
 * A completions-only parameter that asks for something is refused with a 400 naming it, rather than dropped
 * (the answer would silently lack what was asked for) or sent on (the upstream would refuse an unknown field);
 * one left at its neutral default is removed. `provider` names the upstream in that message.
 */
export function chatRequestFromCompletions(request: CompletionsRequest, provider: string): ChatRequest {
  const { prompt, extra, ...sampling } = request;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    const neutral = COMPLETIONS_ONLY[key];
    if (neutral === undefined) kept[key] = value;
    else if (!neutral(value)) {
      throw new GatewayError(
        "parameter_unsupported",
        `'${key}' cannot be honoured: ${provider} has no text-completions endpoint, so the gateway serves completions through its chat API, which has no '${key}'. Remove it, or use a route whose provider has a completions endpoint.`,
        { param: key },
      );
    }
  }
  return { ...sampling, extra: kept, messages: [{ role: "user", content: singlePrompt(prompt) }] };
}

/** A request's one prompt; several reach a provider only when it accepts lists (routing fans them out). */
export function singlePrompt(prompt: CompletionsRequest["prompt"]): string {
  if (typeof prompt === "string") return prompt;
  if (prompt.length === 1 && prompt[0] !== undefined) return prompt[0];
  throw new GatewayError(
    "internal_error",
    `A request with ${prompt.length} prompts reached a provider that takes one prompt per request.`,
  );
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
