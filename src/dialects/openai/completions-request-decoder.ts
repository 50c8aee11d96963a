import { z } from "zod";
import type { CompletionsRequest } from "../../canonical/index.js";
import { invalidBody, jsonTypeName, parseBody } from "./body-validation.js";
import { decodeSamplingFields, samplingShape } from "./sampling-fields.js";
import { decodeTextsOrTokens, type TokenText } from "./token-input.js";

/**
 * `POST /v1/completions` (OpenAI's legacy CreateCompletionRequest,
 * https://platform.openai.com/docs/api-reference/completions/create). `prompt` is checked by hand below.
 */
export const completionsRequestSchema = z.looseObject({ ...samplingShape, prompt: z.unknown() });

/**
 * Decodes a `POST /v1/completions` body; `model` is the route name. `prompt` is a string, a list of strings (several
 * prompts, answered together, as LangChain's `OpenAI.batch` sends them), token ids or a list of token-id lists
 * (decoded with `tokenText`). `suffix`, `echo`, `logprobs`, `best_of`, ... are kept in `extra` and forwarded to
 * providers with a completions endpoint (refused by those serving completions through chat).
 */
export function decodeOpenAICompletionsRequest(
  body: unknown,
  tokenText?: TokenText,
): {
  routeName: string;
  request: CompletionsRequest;
} {
  const input = parseBody(completionsRequestSchema, body);
  const prompt = decodePrompt(input.prompt, tokenText);
  const { routeName, sampling } = decodeSamplingFields(input, ["prompt"]);
  // The sampling object is this request's own: completed in place rather than spread (DESIGN.md, performance rules).
  const request = sampling as CompletionsRequest;
  request.prompt = prompt;
  return { routeName, request };
}

function decodePrompt(prompt: unknown, tokenText: TokenText | undefined): string | string[] {
  if (typeof prompt === "string") return prompt;
  if (prompt === undefined || prompt === null) {
    throw invalidBody("Missing required parameter: 'prompt'.", ["prompt"]);
  }
  if (!Array.isArray(prompt)) {
    throw invalidBody(
      `Invalid type for 'prompt': expected a string, an array of strings or an array of token ids, but got ${jsonTypeName(prompt)} instead.`,
      ["prompt"],
    );
  }
  const texts = decodeTextsOrTokens(prompt, "prompt", tokenText);
  return texts.length === 1 && texts[0] !== undefined ? texts[0] : texts;
}
