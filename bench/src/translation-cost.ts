import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import { decodeOpenAIChatRequest } from "../../dist/dialects/openai/chat-request-decoder.js";
import { encodeOpenAIChatResponse } from "../../dist/dialects/openai/chat-response-encoder.js";
import { createOpenAIChatStreamEncoder } from "../../dist/dialects/openai/chat-stream-encoder.js";
import { anthropicProvider } from "../../dist/providers/anthropic.js";
import { bedrockProvider } from "../../dist/providers/bedrock.js";
import { geminiProvider } from "../../dist/providers/gemini.js";
import type { HttpUpstreamTarget } from "../../dist/providers/upstream-target.js";

/**
 * CPU per request of translating an OpenAI-API chat request to each translated dialect and its answer back: the
 * request decoded and encoded for the upstream, the upstream's JSON answer (or its 20-piece stream, framing
 * included) decoded and encoded as OpenAI's. No I/O, no signing: what the dialect itself costs, which is what
 * the issue bounds (at most the OpenAI -> Anthropic translation's). Usage: node bench/dist/translation-cost.js
 */

const WORDS = Array.from({ length: 20 }, (_, index) => ` word${index}`);
const TEXT = WORDS.join("").trim();
const REQUEST = {
  model: "bench",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Say hello in twenty words." },
  ],
  max_tokens: 64,
  temperature: 0.7,
};

interface Dialect {
  name: string;
  target: HttpUpstreamTarget;
  json: string;
  /** The stream's bytes, in the pieces the upstream writes. */
  stream: Uint8Array[];
}

const encoder = new TextEncoder();
const sse = (data: unknown, event?: string) =>
  encoder.encode(`${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`);

function anthropic(): Dialect {
  const target = anthropicProvider.createTarget("claude-bench", {
    anthropic_api_key: "k",
    anthropic_api_base: "http://x/v1",
    anthropic_version: "2023-06-01",
    default_max_tokens: 4096,
  }) as HttpUpstreamTarget;
  const message = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-bench",
    content: [{ type: "text", text: TEXT }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 20 },
  };
  const stream = [
    sse(
      {
        type: "message_start",
        message: {
          ...message,
          content: [],
          stop_reason: null,
          usage: { input_tokens: 12, output_tokens: 1 },
        },
      },
      "message_start",
    ),
    sse(
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      "content_block_start",
    ),
    ...WORDS.map((word) =>
      sse(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: word } },
        "content_block_delta",
      ),
    ),
    sse({ type: "content_block_stop", index: 0 }, "content_block_stop"),
    sse(
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: 20 },
      },
      "message_delta",
    ),
    sse({ type: "message_stop" }, "message_stop"),
  ];
  return { name: "OpenAI -> Anthropic", target, json: JSON.stringify(message), stream };
}

async function gemini(): Promise<Dialect> {
  const target = (await geminiProvider.createTarget("gemini-bench", {
    gemini_api_key: "k",
    gemini_api_base: "http://x/v1beta",
  })) as HttpUpstreamTarget;
  const usage = (output: number) => ({
    promptTokenCount: 12,
    candidatesTokenCount: output,
    totalTokenCount: 12 + output,
  });
  const answer = {
    candidates: [{ content: { role: "model", parts: [{ text: TEXT }] }, finishReason: "STOP", index: 0 }],
    usageMetadata: usage(20),
    modelVersion: "gemini-bench",
    responseId: "r1",
  };
  const stream = WORDS.map((word, index) =>
    encoder.encode(
      `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: word }] }, ...(index === 19 && { finishReason: "STOP" }), index: 0 }], usageMetadata: usage(index + 1), modelVersion: "gemini-bench", responseId: "r1" })}\r\n\r\n`,
    ),
  );
  return { name: "OpenAI -> Gemini", target, json: JSON.stringify(answer), stream };
}

async function bedrock(): Promise<Dialect> {
  const target = (await bedrockProvider.createTarget("anthropic.claude-bench-v1:0", {
    aws_config: { aws_region: "us-east-1" },
    bedrock_api_key: "k",
  })) as HttpUpstreamTarget;
  const answer = {
    output: { message: { role: "assistant", content: [{ text: TEXT }] } },
    stopReason: "end_turn",
    usage: { inputTokens: 12, outputTokens: 20, totalTokens: 32 },
    metrics: { latencyMs: 1 },
  };
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const frame = (type: string, payload: unknown) =>
    codec.encode({
      headers: {
        ":message-type": { type: "string", value: "event" },
        ":event-type": { type: "string", value: type },
        ":content-type": { type: "string", value: "application/json" },
      },
      body: fromUtf8(JSON.stringify({ ...(payload as object), p: "abcdefgh" })),
    });
  const stream = [
    frame("messageStart", { role: "assistant" }),
    ...WORDS.map((word) => frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: word } })),
    frame("contentBlockStop", { contentBlockIndex: 0 }),
    frame("messageStop", { stopReason: "end_turn" }),
    frame("metadata", {
      usage: { inputTokens: 12, outputTokens: 20, totalTokens: 32 },
      metrics: { latencyMs: 1 },
    }),
  ];
  return { name: "OpenAI -> Bedrock Converse", target, json: JSON.stringify(answer), stream };
}

/** The response headers the upstreams send (Bedrock's request id becomes the response id). */
const HEADERS = {
  "content-type": "application/json",
  "x-amzn-requestid": "0c8e2b3a-5a7e-4c1e-9f1a-0d6b2f3c4d5e",
};

function jsonRound(dialect: Dialect): void {
  const { request } = decodeOpenAIChatRequest(REQUEST);
  const chat = dialect.target.operations.chat;
  if (chat === undefined) throw new Error("no chat");
  chat.encodeRequest(request);
  encodeOpenAIChatResponse(chat.decodeResponse(JSON.parse(dialect.json), request, HEADERS), "bench");
}

function streamRound(dialect: Dialect): void {
  const { request } = decodeOpenAIChatRequest({ ...REQUEST, stream: true });
  const chat = dialect.target.operations.chat;
  if (chat === undefined) throw new Error("no chat");
  chat.encodeRequest({ ...request, stream: true });
  const decoder = chat.byteStream?.createDecoder() ?? byteDecoderOf(chat.createStreamDecoder?.());
  const out = createOpenAIChatStreamEncoder({
    id: "chatcmpl-1",
    model: "bench",
    created: 0,
    includeUsage: true,
  });
  for (const piece of dialect.stream) for (const event of decoder.push(piece)) out.push(event);
  for (const event of decoder.finish()) out.push(event);
  out.finish();
}

/** The SSE framing the upstream client puts in front of an SSE dialect's decoder. */
import { SseDecoder } from "../../dist/framing/sse-decoder.js";

function byteDecoderOf(
  decoder:
    | ReturnType<NonNullable<NonNullable<HttpUpstreamTarget["operations"]["chat"]>["createStreamDecoder"]>>
    | undefined,
) {
  if (decoder === undefined) throw new Error("no stream decoder");
  const frames = new SseDecoder();
  return {
    push: (chunk: Uint8Array) => frames.push(chunk).flatMap((frame) => decoder.push(frame)),
    finish: () => decoder.finish(),
  };
}

function cpuMicrosPerRound(round: () => void, rounds: number): number {
  for (let warm = 0; warm < rounds / 4; warm++) round();
  const started = process.cpuUsage();
  for (let index = 0; index < rounds; index++) round();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / rounds;
}

const ROUNDS = Number(process.argv[2] ?? 20_000);
const PASSES = 3;
const dialects = [anthropic(), await gemini(), await bedrock()];
const best = new Map(dialects.map((dialect) => [dialect.name, { json: Infinity, stream: Infinity }]));
// Several passes in turn, keeping each one's best: the machine is shared, and a measurement made while the
// garbage of the previous dialect's rounds is collected says nothing about this one.
for (let pass = 0; pass < PASSES; pass++) {
  for (const dialect of dialects) {
    const figures = best.get(dialect.name) as { json: number; stream: number };
    figures.json = Math.min(
      figures.json,
      cpuMicrosPerRound(() => jsonRound(dialect), ROUNDS),
    );
    figures.stream = Math.min(
      figures.stream,
      cpuMicrosPerRound(() => streamRound(dialect), ROUNDS / 4),
    );
  }
}
const rows = dialects.map((dialect) => {
  const { json, stream } = best.get(dialect.name) as { json: number; stream: number };
  return `| ${dialect.name.padEnd(28)} | ${json.toFixed(1).padStart(8)} | ${stream.toFixed(1).padStart(10)} |`;
});
console.log(
  `Translation CPU per request (µs, best of ${PASSES} passes of ${ROUNDS} rounds, Node ${process.version})`,
);
console.log("| translation                  | JSON     | 20-piece stream |");
console.log("| ---------------------------- | -------- | ---------- |");
for (const row of rows) console.log(row);
