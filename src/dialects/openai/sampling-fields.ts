import { z } from "zod";
import type { SamplingParameters } from "../../canonical/index.js";
import { invalidBody } from "./body-validation.js";

/**
 * The generation fields shared by `POST /v1/chat/completions` and `POST /v1/completions`, as in OpenAI's
 * CreateChatCompletionRequest / CreateCompletionRequest. OpenAI accepts `null` for every optional field and
 * treats it as absent, and so does the gateway (SDKs and frameworks send explicit nulls).
 */
export const samplingShape = {
  /** The body's `model` names the gateway route. Listed first so that a missing model is reported first. */
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
};

const samplingSchema = z.object(samplingShape);
type SamplingFields = z.output<typeof samplingSchema>;

/**
 * Maps the shared fields to the canonical ones; every body key not in `consumed` (nor in the shared shape) is
 * kept in `extra` and forwarded to the provider unchanged. `stream_options` is consumed: its only option the
 * gateway honours is include_usage, and obfuscation padding is not something it produces.
 */
export function decodeSamplingFields(
  input: SamplingFields & Record<string, unknown>,
  consumed: readonly string[],
): { routeName: string; sampling: SamplingParameters } {
  if (input.stream_options != null && input.stream !== true) {
    throw invalidBody("The 'stream_options' parameter is only allowed when 'stream' is enabled.", [
      "stream_options",
    ]);
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!consumed.includes(key) && !Object.hasOwn(samplingShape, key)) extra[key] = value;
  }
  const sampling: SamplingParameters = { extra };
  // The canonical temperature scale is OpenAI's (0..2), so the value passes as it is.
  if (input.temperature != null) sampling.temperature = input.temperature;
  if (input.top_p != null) sampling.topP = input.top_p;
  if (input.max_tokens != null) sampling.maxTokens = input.max_tokens;
  if (input.stop != null) {
    const stop = typeof input.stop === "string" ? [input.stop] : input.stop;
    if (stop.length > 0) sampling.stop = stop;
  }
  if (input.n != null) sampling.n = input.n;
  if (input.seed != null) sampling.seed = input.seed;
  if (input.stream === true) {
    sampling.stream = true;
    if (input.stream_options?.include_usage === true) sampling.streamIncludeUsage = true;
  }
  return { routeName: input.model, sampling };
}
