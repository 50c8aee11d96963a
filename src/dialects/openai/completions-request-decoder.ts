import { z } from "zod";
import type { CompletionsRequest } from "../../canonical/index.js";
import { invalidBody, jsonTypeName, parseBody } from "./body-validation.js";
import { decodeSamplingFields, samplingShape } from "./sampling-fields.js";

/**
 * `POST /v1/completions` (OpenAI's legacy CreateCompletionRequest,
 * https://platform.openai.com/docs/api-reference/completions/create). `prompt` is checked by hand below, for
 * messages that say why a valid OpenAI prompt can still be refused here.
 */
export const completionsRequestSchema = z.looseObject({ ...samplingShape, prompt: z.unknown() });

/**
 * Decodes a `POST /v1/completions` body; `model` is the route name. The gateway serves one prompt per request
 * and prompts as text: a list of several prompts or token arrays is an invalid_body error. `suffix`, `echo`,
 * `logprobs`, `best_of`, ... are kept in `extra` and forwarded as they are.
 */
export function decodeOpenAICompletionsRequest(body: unknown): {
  routeName: string;
  request: CompletionsRequest;
} {
  const input = parseBody(completionsRequestSchema, body);
  const prompt = decodePrompt(input.prompt);
  const { routeName, sampling } = decodeSamplingFields(input, ["prompt"]);
  return { routeName, request: { ...sampling, prompt } };
}

function decodePrompt(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (prompt === undefined || prompt === null) {
    throw invalidBody("Missing required parameter: 'prompt'.", ["prompt"]);
  }
  if (!Array.isArray(prompt)) {
    throw invalidBody(
      `Invalid type for 'prompt': expected a string or an array of one string, but got ${jsonTypeName(prompt)} instead.`,
      ["prompt"],
    );
  }
  if (prompt.some((item) => typeof item === "number" || Array.isArray(item))) {
    throw invalidBody(
      "Invalid 'prompt': token arrays are not supported, because the gateway may serve the route through a provider with another tokenizer. Send the prompt as a string.",
      ["prompt"],
    );
  }
  const [first] = prompt;
  if (prompt.length === 1 && typeof first === "string") return first;
  if (prompt.length === 0) {
    throw invalidBody("Invalid 'prompt': empty array. Send the prompt as a string.", ["prompt"]);
  }
  const position = prompt.findIndex((item) => typeof item !== "string");
  if (position !== -1) {
    throw invalidBody(
      `Invalid type for 'prompt[${position}]': expected a string, but got ${jsonTypeName(prompt[position])} instead.`,
      ["prompt", position],
    );
  }
  throw invalidBody(
    `Invalid 'prompt': the gateway serves one prompt per request, but got an array of ${prompt.length} prompts. Send one request per prompt.`,
    ["prompt"],
  );
}
