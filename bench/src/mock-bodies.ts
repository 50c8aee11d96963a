/**
 * Pre-serialised answers of the bench mock upstream: built once at start-up, so answering costs a write of
 * a ready Buffer. Bodies follow the OpenAI Chat Completions and Anthropic Messages wire formats closely
 * enough for gateways to decode them (the spec-checking mocks live in test/mock-upstream; this one is for speed).
 */

export interface StreamBodies {
  /** One Buffer per write of a paced stream: `frames.length` writes, spaced by the pacing interval. */
  frames: Buffer[];
  /** The whole stream in one Buffer, for unpaced (instant) streams. */
  whole: Buffer;
}

export interface DialectBodies {
  json: Buffer;
  stream(chunks: number): StreamBodies;
}

const CREATED_S = 1_700_000_000;
const words = (count: number): string[] => Array.from({ length: count }, (_, index) => ` word${index}`);

function sse(data: unknown, event?: string): string {
  const prefix = event === undefined ? "" : `event: ${event}\n`;
  return `${prefix}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

function memoised(build: (chunks: number) => string[]): (chunks: number) => StreamBodies {
  const cache = new Map<number, StreamBodies>();
  return (chunks) => {
    let bodies = cache.get(chunks);
    if (bodies === undefined) {
      const frames = build(Math.max(1, chunks)).map((text) => Buffer.from(text));
      bodies = { frames, whole: Buffer.concat(frames) };
      cache.set(chunks, bodies);
    }
    return bodies;
  };
}

const OPENAI_USAGE = { prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 };

export const openaiBodies: DialectBodies = {
  json: Buffer.from(
    JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion",
      created: CREATED_S,
      model: "gpt-4o-mini-bench",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: words(20).join("").trim(), refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: OPENAI_USAGE,
    }),
  ),
  stream: memoised((chunks) => {
    const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: CREATED_S };
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      sse({ ...base, model: "gpt-4o-mini-bench", choices: [{ index: 0, delta, finish_reason: finish }] });
    const frames = words(chunks).map((word, index) =>
      chunk(index === 0 ? { role: "assistant", content: word } : { content: word }, null),
    );
    // The last write also carries the finish chunk, the usage chunk (stream_options.include_usage) and [DONE].
    frames[frames.length - 1] +=
      chunk({}, "stop") +
      sse({ ...base, model: "gpt-4o-mini-bench", choices: [], usage: OPENAI_USAGE }) +
      sse("[DONE]");
    return frames;
  }),
};

export const anthropicBodies: DialectBodies = {
  json: Buffer.from(
    JSON.stringify({
      id: "msg_bench",
      type: "message",
      role: "assistant",
      model: "claude-bench",
      content: [{ type: "text", text: words(20).join("").trim() }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 20 },
    }),
  ),
  stream: memoised((chunks) => {
    const event = (data: Record<string, unknown> & { type: string }) => sse(data, data.type);
    const delta = (text: string) =>
      event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
    const frames = words(chunks).map(delta);
    // The first write carries the message and block openings with the first token, as a real stream's
    // first network chunk usually does; the last one the closing events.
    frames[0] =
      event({
        type: "message_start",
        message: {
          id: "msg_bench",
          type: "message",
          role: "assistant",
          model: "claude-bench",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 1 },
        },
      }) +
      event({ type: "ping" }) +
      event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
      frames[0];
    frames[frames.length - 1] +=
      event({ type: "content_block_stop", index: 0 }) +
      event({
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: chunks },
      }) +
      event({ type: "message_stop" });
    return frames;
  }),
};
