import type { StreamEvent } from "../../canonical/index.js";

/**
 * Turns one canonical stream into the JSON texts of OpenAI stream chunks. One object per client stream,
 * synchronous and free of I/O; the framing layer writes each text as `data: <text>\n\n` and ends a clean stream
 * with `data: [DONE]\n\n`.
 *
 * An `error` event yields nothing: the caller writes the error frame itself (in OpenAI's error envelope,
 * encodeOpenAIError) and must not write `[DONE]` after it. Events after an error yield nothing either.
 */
export interface ChunkStreamEncoder {
  push(event: StreamEvent): string[];
  /** Called when the canonical stream ended cleanly; returns the last chunks, if any. */
  finish(): string[];
}

export interface ChunkStreamOptions {
  /** The id every chunk carries (OpenAI repeats one id on all chunks of a stream). */
  id: string;
  /**
   * The route name. Chunks report the upstream's model from message_start when it names one, else this, as
   * reportedModel() decides for whole responses.
   */
  model: string;
  /** Unix seconds, the same on every chunk. */
  created: number;
  /**
   * `stream_options.include_usage`: a last chunk with `choices: []` and the usage (counts the upstream did not
   * report as 0). Chat chunks before it carry `usage: null`, as OpenAI's do.
   */
  includeUsage: boolean;
  /**
   * The role chunk of choice 0 already went out (the encoder writes the continuation of a relayed stream):
   * it is not sent again.
   */
  continuing?: boolean;
}
