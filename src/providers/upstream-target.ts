import type {
  ChatRequest,
  ChatResponse,
  CompletionsRequest,
  CompletionsResponse,
  EmbeddingsRequest,
  EmbeddingsResponse,
  ErrorSignals,
  Operation,
  StreamDecoder,
} from "../canonical/index.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import type { CancelSignal } from "../routing/cancel-signal.js";

/** The canonical request and response types of each operation. */
export interface OperationTypes {
  chat: { request: ChatRequest; response: ChatResponse };
  completions: { request: CompletionsRequest; response: CompletionsResponse };
  embeddings: { request: EmbeddingsRequest; response: EmbeddingsResponse };
}
export type RequestOf<O extends Operation> = OperationTypes[O]["request"];
export type ResponseOf<O extends Operation> = OperationTypes[O]["response"];

/** One HTTP call to an upstream, fully prepared: the upstream client only sends it. */
export interface UpstreamCall {
  /** Path and query, relative to the target's origin (starts with `/`). */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** How a provider performs one operation over HTTP: a pure encoder and a pure decoder. */
export interface HttpOperation<O extends Operation> {
  encodeRequest(request: RequestOf<O>): UpstreamCall;
  decodeResponse(body: unknown, request: RequestOf<O>): ResponseOf<O>;
  /** For operations the upstream can stream over SSE: a fresh decoder for one stream's frames. */
  createStreamDecoder?(): StreamDecoder<SseFrame>;
  /**
   * For operations whose wire format is the OpenAI API's: prepares a call from a client's OpenAI request body
   * (the model set, and the provider's declared request differences applied), so that the answer's bytes can be
   * relayed. Returns undefined for a body this upstream cannot take as it is (several prompts for a server that
   * takes one, token arrays for one that needs text): that request is translated instead. Throws a GatewayError
   * for a field the provider refuses. See streaming/pass-through.ts.
   */
  passThrough?(body: Record<string, unknown>): UpstreamCall | undefined;
  /** How relayed answers differ from OpenAI's; absent when they are relayed byte for byte. */
  relay?: RelayQuirks;
  /** Completions only: the upstream takes a list of prompts in one request (else routing sends one per prompt). */
  acceptsPromptLists?: boolean;
}

/** What the relay of an OpenAI-shaped answer must change (see dialects/openai/compatible-response.ts). */
export interface RelayQuirks {
  /** Rewrites an answer, or one stream chunk's data, that shows a declared difference; undefined if none. */
  rewrite?: (text: string) => string | undefined;
  /**
   * Re-encodes every stream frame as `data: <data>\n\n` instead of relaying the upstream's bytes, for servers
   * whose framing is valid SSE but trips strict clients (`data:` without the space, TGI).
   */
  normaliseFraming?: boolean;
  /**
   * The usage arrives on the last content chunk, asked for or not: the relay moves it to a chunk of its own when
   * the client asked (`stream_options.include_usage`), and leaves it out when it did not, as OpenAI streams.
   */
  usageOnLastChunk?: boolean;
}

/** How an in-process provider (no network) performs one operation. */
export type InProcessOperation<O extends Operation> = (
  request: RequestOf<O>,
  signal: CancelSignal,
) => Promise<ResponseOf<O>>;

interface TargetIdentity {
  /** The provider's config name (`openai`). */
  readonly providerName: string;
  /** The provider's name for people (`OpenAI`), used in messages. */
  readonly providerDisplayName: string;
  /** The upstream model, as configured. */
  readonly model: string;
}

export interface HttpUpstreamTarget extends TargetIdentity {
  readonly transport: "http";
  /** Scheme, host and port of the upstream; one connection pool serves each origin. */
  readonly origin: string;
  readonly operations: { [O in Operation]?: HttpOperation<O> };
  /** Extracts a person-readable message from an upstream error body, if the body has one. */
  decodeErrorMessage(body: unknown): string | undefined;
  /** What the upstream's errors mean for routing (context length, content filter, ...): its dialect's table. */
  readonly errorSignals?: ErrorSignals;
  /**
   * The upstream continues an answer from a trailing assistant message (a prefill): the capability mid-stream
   * continuation needs. Declared per provider; a model that refuses one anyway answers `prefill_rejected`.
   */
  readonly acceptsPrefill?: boolean;
  /**
   * For upstreams whose errors carry OpenAI's `type`, `code` and `param`: reads them, so that they reach clients
   * of the OpenAI API as the upstream said them (`context_length_exceeded`, ...).
   */
  decodeErrorDetails?(body: unknown): { type?: string; code?: string; param?: string };
}

export interface InProcessUpstreamTarget extends TargetIdentity {
  readonly transport: "in-process";
  readonly operations: { [O in Operation]?: InProcessOperation<O> };
}

/** A configured (provider, model, config) triple, ready to serve requests: built once per route table. */
export type UpstreamTarget = HttpUpstreamTarget | InProcessUpstreamTarget;
