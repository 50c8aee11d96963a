import type { MockUpstream, ScriptedResponse } from "../mock-upstream/index.js";

/**
 * What a provider declares to the conformance suite (provider-conformance.test.ts): the route types it serves,
 * and, for a request described independently of any wire format, the exact upstream request and answer.
 */

export type RouteKind = "chat" | "completions" | "embeddings";

export const ROUTE_TYPE_OF: Record<RouteKind, string> = {
  chat: "llm/v1/chat",
  completions: "llm/v1/completions",
  embeddings: "llm/v1/embeddings",
};

/** What a chat or completions request asks for, independent of any wire format. */
export interface ChatIntent {
  system?: string;
  user: string;
  /** On MLflow's scale, 0..1; absent means MLflow's default, 0. */
  temperature?: number;
  maxTokens?: number;
  stop?: string[];
  topP?: number;
  seed?: number;
  /** candidate_count; absent means 1. */
  candidates?: number;
  /** Fields the gateway does not model: they must reach the upstream body as they are. */
  extra?: Record<string, unknown>;
}

export interface EmbeddingsIntent {
  /** `text` as MLflow takes it: one string or a list. */
  text: string | string[];
  /** Send the list under the documented alias `texts` instead of `text`. */
  underTextsKey?: boolean;
  extra?: Record<string, unknown>;
}

/** The exact request the upstream must receive. Headers not listed are not checked, except `absentHeaders`. */
export interface ExpectedUpstreamCall {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  absentHeaders: string[];
  body: unknown;
}

/** The deterministic answer the upstream (or the in-process mock) gives, before MLflow encoding. */
export interface ExpectedReply {
  text: string;
  inputTokens: number;
  /** For one candidate. */
  outputTokens: number;
}

export interface ExpectedEmbeddings {
  vectors: number[][];
  /** null where the provider reports no token counts for embeddings (the Gemini API). */
  inputTokens: number | null;
}

export interface ProviderCase {
  label: string;
  provider: string;
  model: string;
  /** The model of embeddings routes, for providers whose chat models cannot embed; `model` otherwise. */
  embeddingsModel?: string;
  /** Starts the upstream mock; undefined for in-process providers, which call no upstream. */
  startMock?: () => Promise<MockUpstream>;
  config(mockUrl: string): Record<string, unknown>;
  /** Per route kind: true when served, else the reason it cannot be. */
  serves: Record<RouteKind, true | string>;
  /** The most candidates one request may ask for. */
  maxCandidates: number;
  /** A message fragment that a request for more candidates must be refused with. */
  candidateLimitMessage?: string;
  /** Provider-specific request fields the gateway must pass through untouched. */
  passThrough: { chat: Record<string, unknown>; embeddings: Record<string, unknown> };
  /** The model reported in the MLflow metadata. */
  reportedModel: string;
  expectedChatCall?(intent: ChatIntent): ExpectedUpstreamCall;
  /** For providers with a text-completions endpoint; without one, completions are expected as chat calls. */
  expectedCompletionsCall?(intent: ChatIntent): ExpectedUpstreamCall;
  expectedEmbeddingsCall?(intent: EmbeddingsIntent): ExpectedUpstreamCall;
  expectedReply(intent: ChatIntent): ExpectedReply;
  expectedEmbeddings(texts: string[]): ExpectedEmbeddings;
  /** The upstream's answer when generation stopped at the token limit; undefined for in-process providers,
   * which really cut the reply at max_tokens. */
  lengthLimitedAnswer?: ScriptedResponse;
  /** The same for a completions endpoint of its own (default: lengthLimitedAnswer). */
  lengthLimitedCompletion?: ScriptedResponse;
}

export function textsOf(intent: EmbeddingsIntent): string[] {
  return typeof intent.text === "string" ? [intent.text] : intent.text;
}

/** The upstream model a route of this kind uses. */
export function modelFor(provider: ProviderCase, kind: RouteKind): string {
  return kind === "embeddings" ? (provider.embeddingsModel ?? provider.model) : provider.model;
}
