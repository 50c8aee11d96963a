import type { KnownRouteType } from "./gateway-route.js";

/**
 * Request and response bodies of `POST /gateway/{route}/invocations`, per route type, in the MLflow AI Gateway
 * shape. Fields not listed here are forwarded to the provider as they are.
 */

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool";

/** A part of a multi-part message; `{type: "text", text}` is understood by every provider. */
export interface ChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface ChatMessage {
  role: ChatRole;
  content: string | ChatContentPart[];
  name?: string;
}

/** Sampling fields shared by chat and completions. */
export interface SamplingFields {
  /** 0 to 1 (the MLflow scale; the gateway maps it to the provider's). Default 0. */
  temperature?: number;
  /** How many candidates to generate, 1 to 5. Default 1. */
  candidate_count?: number;
  /** At least 1. */
  max_tokens?: number;
  stop?: string | string[];
  top_p?: number;
  seed?: number;
}

/** Body of a query to an `llm/v1/chat` route. */
export interface ChatRequest extends SamplingFields {
  messages: ChatMessage[];
}

/** Body of a query to an `llm/v1/completions` route. */
export interface CompletionsRequest extends SamplingFields {
  prompt: string;
}

/** Body of a query to an `llm/v1/embeddings` route. */
export interface EmbeddingsRequest {
  text: string | string[];
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | null;

/** Token counts and the model that answered. Counts are `null` when the provider did not report them. */
export interface ResponseMetadata<T extends KnownRouteType> {
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  model: string;
  route_type: T;
}

/** A tool call the model asked for, in OpenAI's shape (MLflow's contract predates tools). */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatCandidate {
  message: { role: "assistant"; content: string | null; tool_calls?: ToolCall[] };
  metadata: { finish_reason: FinishReason };
}

export interface ChatResponse {
  candidates: ChatCandidate[];
  metadata: ResponseMetadata<"llm/v1/chat">;
}

export interface CompletionsCandidate {
  text: string;
  metadata: { finish_reason: FinishReason };
}

export interface CompletionsResponse {
  candidates: CompletionsCandidate[];
  metadata: ResponseMetadata<"llm/v1/completions">;
}

export interface EmbeddingsResponse {
  /** One vector per input text, in input order. */
  embeddings: number[][];
  metadata: ResponseMetadata<"llm/v1/embeddings">;
}

/** Any query body. */
export type QueryRequest = ChatRequest | CompletionsRequest | EmbeddingsRequest;

/** The response type that goes with a request type: `messages` gives chat, `prompt` completions, `text` embeddings. */
export type QueryResponse<R extends QueryRequest> = R extends ChatRequest
  ? ChatResponse
  : R extends CompletionsRequest
    ? CompletionsResponse
    : R extends EmbeddingsRequest
      ? EmbeddingsResponse
      : never;

/** Request types by route type, for code that knows a route's type: `RequestOfRouteType["llm/v1/chat"]`. */
export interface RequestOfRouteType {
  "llm/v1/chat": ChatRequest;
  "llm/v1/completions": CompletionsRequest;
  "llm/v1/embeddings": EmbeddingsRequest;
}

/** Response types by route type. */
export interface ResponseOfRouteType {
  "llm/v1/chat": ChatResponse;
  "llm/v1/completions": CompletionsResponse;
  "llm/v1/embeddings": EmbeddingsResponse;
}
