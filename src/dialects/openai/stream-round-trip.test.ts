import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import type { StreamDecoder, StreamEvent } from "../../canonical/index.js";
import { SseDecoder, type SseFrame } from "../../framing/sse-decoder.js";
import { createOpenAIChatStreamEncoder } from "./chat-stream-encoder.js";
import type { ChunkStreamEncoder } from "./chunk-stream-encoder.js";
import { createOpenAICompletionsStreamEncoder } from "./completions-stream-encoder.js";
import { createOpenAIChatStreamDecoder, createOpenAICompletionsStreamDecoder } from "./stream-decoder.js";

const spec = createSpecValidator("openai");

interface Chunk {
  id: string;
  created: number;
  model: string;
  choices: { index: number; delta?: Delta; text?: string; finish_reason: string | null }[];
  usage?: unknown;
  [key: string]: unknown;
}
interface Delta {
  role?: string;
  content?: string | null;
  tool_calls?: {
    index: number;
    id?: string;
    type?: string;
    function?: { name?: string; arguments?: string };
  }[];
}

/** The chunks of an OpenAI SSE fixture, without the final [DONE]. */
function fixtureChunks(name: string): { frames: SseFrame[]; chunks: Chunk[] } {
  const frames = new SseDecoder().push(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
  expect(frames.at(-1)?.data).toBe("[DONE]");
  return { frames, chunks: frames.slice(0, -1).map((frame) => JSON.parse(frame.data) as Chunk) };
}

/** Upstream frames -> canonical events -> client chunks, as the streaming pipeline runs them. */
function roundTrip(
  frames: SseFrame[],
  decoder: StreamDecoder<SseFrame>,
  encoder: ChunkStreamEncoder,
): Chunk[] {
  const events: StreamEvent[] = [...frames.flatMap((frame) => decoder.push(frame)), ...decoder.finish()];
  expect(events.filter((event) => event.type === "error")).toEqual([]);
  const texts = [...events.flatMap((event) => encoder.push(event)), ...encoder.finish()];
  return texts.map((text) => JSON.parse(text) as Chunk);
}

/** What a client builds from chat chunks (as the SDKs' stream helpers do): per choice the message and finish. */
interface AccumulatedChoice {
  role?: string;
  content: string;
  tools: Map<number, { id: string; type: string; name: string; arguments: string }>;
  finish: string | null;
}

function accumulate(chunks: Chunk[]) {
  const choices = new Map<number, AccumulatedChoice>();
  let usage: unknown = null;
  for (const chunk of chunks) {
    if (chunk.usage != null) usage = chunk.usage;
    for (const choice of chunk.choices) {
      const state: AccumulatedChoice = choices.get(choice.index) ?? {
        content: "",
        tools: new Map(),
        finish: null,
      };
      choices.set(choice.index, state);
      const delta = choice.delta ?? {};
      if (delta.role !== undefined) state.role = delta.role;
      state.content += delta.content ?? "";
      for (const call of delta.tool_calls ?? []) {
        const tool = state.tools.get(call.index) ?? { id: "", type: "", name: "", arguments: "" };
        state.tools.set(call.index, {
          id: call.id ?? tool.id,
          type: call.type ?? tool.type,
          name: call.function?.name ?? tool.name,
          arguments: tool.arguments + (call.function?.arguments ?? ""),
        });
      }
      if (choice.finish_reason !== null) state.finish = choice.finish_reason;
    }
  }
  const sorted = [...choices.entries()].sort(([a], [b]) => a - b);
  return {
    choices: sorted.map(([index, state]) => ({ index, ...state, tools: [...state.tools.entries()] })),
    usage,
  };
}

function chatEncoder(reference: Chunk, includeUsage: boolean): ChunkStreamEncoder {
  return createOpenAIChatStreamEncoder({
    id: reference.id,
    model: "route",
    created: reference.created,
    includeUsage,
  });
}

/** The gateway does not invent a system_fingerprint or service_tier it was not given. */
function withoutBackendFields({ system_fingerprint: _fingerprint, service_tier: _tier, ...chunk }: Chunk) {
  return chunk;
}

describe("OpenAI stream round trip (decode upstream chunks, encode them back for the client)", () => {
  it("gives back the spec's streaming example chunk for chunk", () => {
    const { frames, chunks } = fixtureChunks("chat-stream-text.sse");
    const encoded = roundTrip(
      frames,
      createOpenAIChatStreamDecoder(),
      chatEncoder(chunks[0] as Chunk, false),
    );
    for (const chunk of encoded)
      expect(spec.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    expect(encoded).toEqual(chunks.map(withoutBackendFields));
  });

  it("gives back tool calls with arguments split across chunks, and the usage chunk", () => {
    const { frames, chunks } = fixtureChunks("chat-stream-tool-calls.sse");
    const encoded = roundTrip(frames, createOpenAIChatStreamDecoder(), chatEncoder(chunks[0] as Chunk, true));
    for (const chunk of encoded)
      expect(spec.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    const original = accumulate(chunks);
    expect(accumulate(encoded)).toEqual({
      ...original,
      usage: { prompt_tokens: 82, completion_tokens: 46, total_tokens: 128 },
    });
    expect(original.choices[0]?.tools.map(([, tool]) => JSON.parse(tool.arguments))).toEqual([
      { location: "Paris, France" },
      { location: "Tokyo, Japan" },
    ]);
    expect(encoded.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(encoded.at(-1)?.choices).toEqual([]);
    expect(new Set(encoded.map((chunk) => `${chunk.id} ${chunk.model} ${chunk.created}`))).toEqual(
      new Set(["chatcmpl-AqT2kPz9XbL4mN7wQe1rYtUv3sD5f gpt-4o-2024-08-06 1737024000"]),
    );
  });

  it("gives back n=2 interleaved choices, each with its text and finish reason", () => {
    const { frames, chunks } = fixtureChunks("chat-stream-two-choices.sse");
    const encoded = roundTrip(
      frames,
      createOpenAIChatStreamDecoder(),
      chatEncoder(chunks[0] as Chunk, false),
    );
    for (const chunk of encoded)
      expect(spec.validate("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    expect(accumulate(encoded)).toEqual(accumulate(chunks));
    expect(accumulate(encoded).choices.map((choice) => [choice.content, choice.finish])).toEqual([
      ["Red apples.", "length"],
      ["Blue skies", "stop"],
    ]);
  });

  it("gives back a legacy completions stream chunk for chunk", () => {
    const { frames, chunks } = fixtureChunks("completions-stream.sse");
    const reference = chunks[0] as Chunk;
    const encoder = createOpenAICompletionsStreamEncoder({
      id: reference.id,
      model: "route",
      created: reference.created,
      includeUsage: false,
    });
    expect(roundTrip(frames, createOpenAICompletionsStreamDecoder(), encoder)).toEqual(
      chunks.map(withoutBackendFields),
    );
  });
});
