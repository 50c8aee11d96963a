import type { SamplingParameters } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";

/** Writes the canonical sampling parameters under OpenAI's names (shared by chat and legacy completions). */
export function encodeSamplingFields(request: SamplingParameters, body: JsonRecord): void {
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.n !== undefined) body.n = request.n;
  if (request.seed !== undefined) body.seed = request.seed;
}

/** `stream`, and `stream_options` when the client asked for a usage chunk. */
export function encodeStreamFields(request: SamplingParameters, body: JsonRecord): void {
  if (!request.stream) return;
  body.stream = true;
  if (request.streamIncludeUsage) body.stream_options = { include_usage: true };
}
