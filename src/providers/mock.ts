import { createHash } from "node:crypto";
import { z } from "zod";
import {
  type ChatRequest,
  type ChatResponse,
  chatRequestFromCompletions,
  completionsResponseFromChat,
  createUsage,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type FinishReason,
  textOfContent,
} from "../canonical/index.js";
import type { CancelSignal } from "../routing/cancel-signal.js";
import { MockTokenCount } from "./mock-token-count.js";
import { loadTokenizer, type Tokenizer } from "./mock-tokenizer.js";
import { defineProvider } from "./provider-definition.js";
import { seededRandom } from "./seeded-random.js";
import type { InProcessUpstreamTarget } from "./upstream-target.js";

/**
 * A built-in provider that needs no network and no key: for trying the gateway and for client developers'
 * tests. Chat and completions echo the last user message; embeddings are stable pseudo-random unit vectors
 * derived from each text. Token counts are real, from the o200k_base tokenizer (GPT-4o's), for the first 32 KiB
 * of a request's text; beyond, they are estimated (mock-token-count.ts), so no request can keep a worker busy.
 */
const configSchema = z
  .object({
    embedding_dimensions: z.number().int().min(1).max(8192).default(8),
    latency_ms: z.number().int().min(0).max(600_000).default(0),
  })
  .strict();

type MockConfig = z.infer<typeof configSchema>;

export const mockProvider = defineProvider<MockConfig>({
  name: "mock",
  displayName: "Mock",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: [],
  defaultModelName: "mock-echo",
  createTarget: (model, config) => createMockTarget(model, config),
});

function createMockTarget(model: string, config: MockConfig): InProcessUpstreamTarget {
  // Loaded by the first request that needs it, not here: its tables take about 70 MB, which a gateway whose
  // mock routes are never called (the example config has some) should not hold. loadTokenizer() loads once.
  const chat = async (request: ChatRequest, signal: CancelSignal): Promise<ChatResponse> => {
    await delay(config.latency_ms, signal);
    return echo(model, request, await loadTokenizer());
  };
  return {
    transport: "in-process",
    providerName: "mock",
    providerDisplayName: "Mock",
    model,
    operations: {
      chat,
      completions: async (request, signal) =>
        completionsResponseFromChat(
          await chat(chatRequestFromCompletions(request, "The mock provider"), signal),
        ),
      embeddings: async (request, signal) => {
        await delay(config.latency_ms, signal);
        return embed(model, request, config.embedding_dimensions, await loadTokenizer());
      },
    },
  };
}

function echo(model: string, request: ChatRequest, tokenizer: Tokenizer): ChatResponse {
  const tokens = new MockTokenCount(tokenizer);
  const lastUser = request.messages.findLast((message) => message.role === "user");
  const { text, finishReason } = limitReply(textOfContent(lastUser?.content ?? ""), request, tokens);
  const inputTokens = request.messages.reduce(
    (sum, message) => sum + tokens.count(textOfContent(message.content)),
    0,
  );
  const candidates = request.n ?? 1;
  const choices = Array.from({ length: candidates }, (_, index) => ({
    index,
    message: { role: "assistant" as const, content: text },
    finishReason,
  }));
  return {
    id: `mock-${createHash("sha256").update(text).digest("hex").slice(0, 24)}`,
    model,
    created: Math.floor(Date.now() / 1000),
    choices,
    usage: createUsage(inputTokens, tokens.count(text) * candidates),
  };
}

/** Applies `stop` then `max_tokens` to the reply, as a real model would. */
function limitReply(
  reply: string,
  request: ChatRequest,
  tokens: MockTokenCount,
): { text: string; finishReason: FinishReason } {
  let text = reply;
  for (const stop of request.stop ?? []) {
    const at = text.indexOf(stop);
    if (at !== -1) text = text.slice(0, at);
  }
  if (request.maxTokens !== undefined) {
    const cut = tokens.truncate(text, request.maxTokens);
    if (cut !== undefined) return { text: cut, finishReason: "length" };
  }
  return { text, finishReason: "stop" };
}

function embed(
  model: string,
  request: EmbeddingsRequest,
  defaultDimensions: number,
  tokenizer: Tokenizer,
): EmbeddingsResponse {
  const dimensions = request.dimensions ?? defaultDimensions;
  const tokens = new MockTokenCount(tokenizer);
  const inputTokens = request.input.reduce((sum, text) => sum + tokens.count(text), 0);
  return {
    model,
    embeddings: request.input.map((text) => pseudoEmbedding(text, dimensions)),
    usage: createUsage(inputTokens, 0),
  };
}

/** A unit vector seeded by the SHA-256 of the text: the same text always gives the same vector. */
export function pseudoEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash("sha256").update(text).digest().readUInt32LE(0);
  const next = seededRandom(seed);
  const vector = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

function delay(ms: number, signal: CancelSignal): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
