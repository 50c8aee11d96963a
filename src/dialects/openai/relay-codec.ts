import type { Usage } from "../../canonical/index.js";
import { encodeSseFrame } from "../../framing/sse-encoder.js";
import type { RelayCodec } from "../relay-codec.js";
import { encodeOpenAIError } from "./error-encoder.js";
import { readRelayedChunk } from "./relayed-chunk.js";
import { decodeUsage } from "./usage.js";

/**
 * Relaying OpenAI-shaped answers (chat completions, embeddings): usage is read for the metrics only, so an answer
 * without (readable) usage simply has none; a stream's usage is in its last chunk (with
 * `stream_options.include_usage`), and a broken stream ends with an error object in OpenAI's envelope.
 */
export const OPENAI_RELAY: RelayCodec = {
  readFrame: readRelayedChunk,
  usageOfAnswer,
  endMarker: "[DONE]",
  createTap: () => {
    let usage: Usage | undefined;
    return {
      push: (frame) => {
        if (frame.data.includes('"usage":{')) usage = usageOfText(frame.data) ?? usage;
      },
      usage: () => usage,
      errorFrames: (error) => encodeSseFrame(JSON.stringify(encodeOpenAIError(error))),
    };
  },
};

function usageOfAnswer(body: unknown): Usage | undefined {
  const usage = typeof body === "object" && body !== null ? (body as { usage?: unknown }).usage : undefined;
  return usage === undefined ? undefined : decodeUsage(usage, 0);
}

function usageOfText(text: string): Usage | undefined {
  try {
    return usageOfAnswer(JSON.parse(text));
  } catch {
    // Not JSON after all: the relay reports the frame itself; there is just nothing to count.
    return undefined;
  }
}
