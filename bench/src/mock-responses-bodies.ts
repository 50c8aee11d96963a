import type { DialectBodies, StreamBodies } from "./mock-bodies.js";

/**
 * Pre-serialised answers of OpenAI's Responses API (https://platform.openai.com/docs/api-reference/responses)
 * for the bench mock upstream: what a gateway relays when a Responses client reaches an OpenAI route. Close
 * enough to the wire format for the gateway's relay to read its usage; the spec-checking mock is in
 * test/mock-upstream.
 */

const CREATED_S = 1_700_000_000;
const words = (count: number): string[] => Array.from({ length: count }, (_, index) => ` word${index}`);
const USAGE = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 20,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 32,
};

function response(status: "in_progress" | "completed", text: string | undefined): Record<string, unknown> {
  return {
    id: "resp_bench",
    object: "response",
    created_at: CREATED_S,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: 64,
    model: "gpt-4o-mini-bench",
    output: text === undefined ? [] : [message(text, "completed")],
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: status === "completed" ? USAGE : null,
    metadata: {},
  };
}

function message(text: string, status: "in_progress" | "completed"): Record<string, unknown> {
  return {
    id: "msg_bench",
    type: "message",
    status,
    role: "assistant",
    content: status === "completed" ? [{ type: "output_text", text, annotations: [] }] : [],
  };
}

function streamFrames(chunks: number): string[] {
  let sequence = 0;
  const event = (data: Record<string, unknown> & { type: string }) =>
    `event: ${data.type}\ndata: ${JSON.stringify({ ...data, sequence_number: sequence++ })}\n\n`;
  const pieces = words(chunks);
  const text = pieces.join("");
  const at = { item_id: "msg_bench", output_index: 0, content_index: 0 };
  const frames = pieces.map((delta) =>
    event({ type: "response.output_text.delta", ...at, delta, logprobs: [] }),
  );
  frames[0] =
    event({ type: "response.created", response: response("in_progress", undefined) }) +
    event({ type: "response.in_progress", response: response("in_progress", undefined) }) +
    event({ type: "response.output_item.added", output_index: 0, item: message("", "in_progress") }) +
    event({
      type: "response.content_part.added",
      ...at,
      part: { type: "output_text", text: "", annotations: [] },
    }) +
    frames[0];
  frames[frames.length - 1] +=
    event({ type: "response.output_text.done", ...at, text, logprobs: [] }) +
    event({
      type: "response.content_part.done",
      ...at,
      part: { type: "output_text", text, annotations: [] },
    }) +
    event({ type: "response.output_item.done", output_index: 0, item: message(text, "completed") }) +
    event({ type: "response.completed", response: response("completed", text) });
  return frames;
}

const cache = new Map<number, StreamBodies>();

export const responsesBodies: DialectBodies = {
  json: Buffer.from(JSON.stringify(response("completed", words(20).join("").trim()))),
  stream: (chunks) => {
    let bodies = cache.get(chunks);
    if (bodies === undefined) {
      const frames = streamFrames(Math.max(1, chunks)).map((text) => Buffer.from(text));
      bodies = { frames, whole: Buffer.concat(frames) };
      cache.set(chunks, bodies);
    }
    return bodies;
  },
};
