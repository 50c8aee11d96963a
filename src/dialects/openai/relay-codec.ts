import type { Usage } from "../../canonical/index.js";
import { encodeSseFrame } from "../../framing/sse-encoder.js";
import { isRecord } from "../narrow.js";
import type { RelayCodec, RelayedAnswerSoFar, RelayedFinish } from "../relay-codec.js";
import type { DialectStreamEncoder } from "../stream-frame.js";
import { createOpenAIChatStreamEncoder } from "./chat-stream-encoder.js";
import { encodeOpenAIError } from "./error-encoder.js";
import { RelayedAnswer } from "./relayed-answer.js";
import { readRelayedChunk } from "./relayed-chunk.js";
import { decodeUsage, usageOfChunk } from "./usage.js";

/**
 * Relaying OpenAI-shaped answers (chat completions, completions, embeddings): usage, model and finish reasons are
 * read for the metrics, the access log and tracing only, so an answer without (readable) ones simply has none; a
 * stream's usage is in its last chunk (with `stream_options.include_usage`, or unasked from some servers, Groq's
 * under `x_groq`), and a broken stream ends with an error object in OpenAI's envelope. An in-band error is held
 * back and re-encoded in OpenAI's envelope with the route and target (compatible servers use several shapes).
 * A body that ends after every choice finished is complete without its `[DONE]` (the relay adds it); a broken
 * chat answer in plain text can be continued, in chunks with the stream's id, created and model.
 */
export const OPENAI_RELAY: RelayCodec = {
  readFrame: readRelayedChunk,
  carriesToken: RelayedAnswer.carriesToken,
  usageOfAnswer,
  finishOfAnswer,
  endMarker: "[DONE]",
  holdsBackErrors: true,
  dataOnlyFrames: true,
  createTap: () => {
    let usage: Usage | undefined;
    let finish: RelayedFinish | undefined;
    const answer = new RelayedAnswer();
    return {
      push: (frame, payload) => {
        if (payload !== undefined) answer.push(payload);
        usage = usageOfChunkText(frame.data) ?? usage;
        const more = finishOfChunk(frame.data);
        if (more !== undefined) {
          finish = { ...finish, ...more, reasons: [...(finish?.reasons ?? []), ...more.reasons] };
        }
      },
      usage: () => usage,
      finish: () => finish,
      errorFrames: (error) => encodeSseFrame(JSON.stringify(encodeOpenAIError(error))),
      completion: () => (answer.finished ? DONE_FRAME : undefined),
      continuable: () => continuableAnswer(answer),
    };
  },
};

const DONE_FRAME = encodeSseFrame("[DONE]");

/** A broken chat answer in plain text, continued in chunks of the same stream (choice 0's role went out). */
function continuableAnswer(answer: RelayedAnswer): RelayedAnswerSoFar | undefined {
  if (!answer.continuable || answer.finished || answer.id === undefined) return undefined;
  return {
    text: answer.text,
    blockOpen: true,
    encoder: (includeUsage): DialectStreamEncoder => {
      const chunks = createOpenAIChatStreamEncoder({
        id: answer.id ?? "",
        model: answer.model ?? "",
        created: answer.created ?? Math.floor(Date.now() / 1000),
        includeUsage,
        continuing: true,
      });
      return {
        push: (event) => chunks.push(event),
        finish: () => [...chunks.finish(), "[DONE]"],
      };
    },
  };
}

/** The OpenAI relay for one provider: its in-band errors are named after it. */
export function openAIRelayFor(provider: string): RelayCodec {
  return { ...OPENAI_RELAY, readFrame: (frame) => readRelayedChunk(frame, provider) };
}

function usageOfAnswer(body: unknown): Usage | undefined {
  if (!isRecord(body) || body.usage === undefined) return undefined;
  return decodeUsage(body.usage, 0, body.service_tier);
}

/** The usage of a stream chunk, when it carries one; parsed only when it may. */
function usageOfChunkText(data: string): Usage | undefined {
  if (!data.includes('"usage":{')) return undefined;
  try {
    const chunk: unknown = JSON.parse(data);
    if (!isRecord(chunk)) return undefined;
    const usage = usageOfChunk(chunk);
    return usage === undefined ? undefined : decodeUsage(usage, 0, chunk.service_tier);
  } catch {
    // Not JSON: the relay reports the broken frame; there is just nothing to count.
    return undefined;
  }
}

/** The model and finish reasons of a relayed answer or chunk. */
function finishOfAnswer(body: unknown): RelayedFinish | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { model, choices } = body as { model?: unknown; choices?: unknown };
  const reasons = Array.isArray(choices)
    ? choices
        .map((choice) => (choice as { finish_reason?: unknown } | null)?.finish_reason)
        .filter((reason): reason is string => typeof reason === "string")
    : [];
  return typeof model === "string" ? { model, reasons } : { reasons };
}

/** Chunks are only parsed when they carry a finish reason, which only the last ones do. */
function finishOfChunk(data: string): RelayedFinish | undefined {
  if (!data.includes('"finish_reason":"')) return undefined;
  try {
    return finishOfAnswer(JSON.parse(data));
  } catch {
    // The side tap only reads; a frame it cannot parse is the client's to judge.
    return undefined;
  }
}
