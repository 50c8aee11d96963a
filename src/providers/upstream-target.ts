import type {
  ChatFeature,
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

/**
 * Client dialects whose requests an upstream can take as they are, besides OpenAI's (see `passThrough`):
 * Anthropic's Messages API and its token counting, and OpenAI's Responses API.
 */
export type RelayDialect = "anthropic-messages" | "anthropic-count-tokens" | "openai-responses";

/** The client's request headers (lower-case names, as Node gives them), for relays that pass some on. */
export type ClientHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Prepares a relayed call from the client's body (only the model, and what the relay documents, is changed). */
export type RelayCall = (body: Record<string, unknown>, headers: ClientHeaders) => UpstreamCall;

/** The response headers of an upstream answer, as undici gives them (lower-case names). */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/**
 * A stream whose body is not SSE (AWS's binary event-stream): the content type a stream answer has, and a
 * fresh decoder, per stream, of the body's bytes as they arrive. Any other answer is read as a whole body.
 */
export interface ByteStreamFormat {
  contentType: RegExp;
  createDecoder(): StreamDecoder<Uint8Array>;
}

/**
 * For upstreams that take fewer inputs per call than a client may send (Titan embeds one text per call, Gemini
 * at most 100): the request is split, the parts are sent concurrently, and their answers merged in order.
 */
export interface FanOut<O extends Operation> {
  /** The requests to send; one request means no fan-out. */
  split(request: RequestOf<O>): RequestOf<O>[];
  merge(responses: ResponseOf<O>[], request: RequestOf<O>): ResponseOf<O>;
}

/** How a provider performs one operation over HTTP: a pure encoder and a pure decoder. */
export interface HttpOperation<O extends Operation> {
  encodeRequest(request: RequestOf<O>): UpstreamCall;
  /** `headers` are the answer's, for the few upstreams that report something there (Bedrock's token counts). */
  decodeResponse(body: unknown, request: RequestOf<O>, headers?: UpstreamHeaders): ResponseOf<O>;
  /** For operations the upstream can stream over SSE: a fresh decoder for one stream's frames. */
  createStreamDecoder?(): StreamDecoder<SseFrame>;
  /** For operations the upstream streams in another framing; takes precedence over createStreamDecoder. */
  byteStream?: ByteStreamFormat;
  fanOut?: FanOut<O>;
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
  /**
   * For upstreams that speak another client dialect natively: prepares a relayed call per dialect, so that
   * request and response bytes pass untouched for a client of that dialect (streaming/pass-through.ts).
   */
  relays?: { readonly [D in RelayDialect]?: RelayCall };
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
  /**
   * The request features (canonical/chat.ts) this target honours when it translates a request. A request that
   * needs another is not sent here. Absent: none.
   */
  readonly features?: readonly ChatFeature[];
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
  /** For upstreams that say when to retry in the error body instead of a Retry-After header (Google's
   * RetryInfo): the seconds to wait, if the body says. */
  decodeErrorRetryAfter?(body: unknown): number | undefined;
  /**
   * For credentials that are computed per call (a SigV4 signature over the request, an OAuth2 access token
   * that expires): returns the call with them added. Static keys are in the encoded headers already and need
   * no such step. A failure to obtain credentials is a GatewayError `upstream_auth_failed`.
   */
  authorize?(call: UpstreamCall, signal: CancelSignal): Promise<UpstreamCall>;
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
