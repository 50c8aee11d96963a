import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { COMPATIBLE_ROWS } from "../api/compatible/rows.js";
import { PROVIDER_CASES } from "../api/conformance-providers.js";
import type { ExpectedReply, ProviderCase, RouteKind } from "../api/provider-case.js";
import type { RecordedRequest } from "../mock-upstream/index.js";
import {
  anthropicError,
  anthropicStreamFrames,
  cohereError,
  cohereStreamFrames,
  type MockChatInput,
  openAIChatStreamFrames,
  openAIError,
  type ScriptedResponse,
  sseFrame,
} from "../mock-upstream/index.js";
import { GOOGLE_AWS_API_PROVIDERS } from "./api-providers-google-aws.js";

/**
 * The providers the OpenAI-API suite runs on, built on the conformance suite's table (config, mock, the echo
 * reply and token counts). What is added here is what the OpenAI API exposes beyond MLflow's: tools, `n`, and
 * each upstream's stream framing, so that tests can script streams in the provider's exact wire format.
 * Expectations come from the providers' documented APIs and the mocks' echo rules, not from the gateway's code.
 */
export interface ApiProvider {
  label: string;
  base: ProviderCase;
  /** Per route kind: true when served, else the reason it cannot be. */
  serves: Record<RouteKind, true | string>;
  /** Tool calling: true, or the reason the provider cannot call tools. */
  tools: true | string;
  /** `n` > 1: true, or the reason the provider returns one choice only. */
  candidates: true | string;
  /** The tool definitions a client's `tools` must reach the upstream as, in the upstream's own shape. */
  upstreamTools?(tools: ChatCompletionTool[]): unknown;
  /** The id the upstream mock gives the tool call of its first request after a reset (echo-rules.ts). */
  firstToolCallId?(toolName: string): string;
  /** The upstream takes only its own tool-call id format, so the gateway rewrites a client's ids, consistently. */
  rewritesToolCallIds?: boolean;
  /**
   * Where the provider's relayed answers differ from OpenAI's schema in ways no client misreads (a required
   * `logprobs: null` left out, say): the gateway relays them as they are, and the spec check sets exactly these
   * violations aside, each with its reason.
   */
  relayedDifferences?: { pattern: RegExp; why: string }[];
  /** Answers in the provider's own wire format, for suites that script what a real model would say. */
  scripted?: { chat(input: MockChatInput): ScriptedResponse; stream(input: MockChatInput): ScriptedResponse };
  /** The provider's stream framing; undefined for in-process providers, which have no upstream stream. */
  framing?: StreamFraming;
  /** The provider's own error body for an HTTP status; undefined for in-process providers. */
  errorBody?(status: number, message: string): unknown;
  /** Where the upstream body carries the tool definitions; `body.tools` unless said otherwise. */
  upstreamToolsOf?(body: Record<string, unknown>): unknown;
  /** Whether an upstream request asked for a stream; `body.stream === true` unless said otherwise (Gemini and
   * Bedrock stream on another URL). */
  streamRequested?(request: RecordedRequest): boolean;
  /** How the upstream body asks for `n` candidates; `{n}` unless said otherwise. */
  candidatesInBody?(n: number): Record<string, unknown>;
  /** Why the upstream sends a tool call's arguments whole rather than in pieces, if it does. */
  wholeToolArguments?: string;
  /** Why the client's tool-call ids do not reach the upstream, if they do not. */
  toolCallIdsStayLocal?: string;
}

/** An upstream's streaming wire format, for scripting streams and breaking them in provider-specific ways. */
export interface StreamFraming {
  /** The frames of a complete stream answering `input`: SSE text, or binary event-stream messages. */
  frames(input: MockChatInput): (string | Buffer)[];
  /** A frame like `frame` whose data is cut JSON; by default the SSE frame's data line cut in half. */
  malformed?(frame: string | Buffer): string | Buffer;
  /** For a completions endpoint of the provider's own: the frames of a complete completions stream of `text`. */
  completionFrames?(text: string): string[];
  /** How many frames at the end mark a complete stream ([DONE], message_stop, message-end). */
  terminalFrames: number;
  /** A frame reporting an error after the stream started, as the provider sends it, with its message and the
   * HTTP status it stands for when it comes before anything was sent; or why the provider has none. */
  errorFrame: { frame: string | Buffer; message: string; status: number } | string;
}

const OVERLOADED = "Overloaded";

/** https://platform.openai.com/docs/guides/error-codes */
const OPENAI_ERROR_TYPES: Record<number, string> = { 429: "requests" };
/** https://docs.anthropic.com/en/api/errors */
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};
const RATE_LIMITED = "Rate limit reached for requests";

function baseCase(label: string): ProviderCase {
  const found = PROVIDER_CASES.find((provider) => provider.label === label);
  if (found === undefined) throw new Error(`no provider case '${label}'`);
  return found;
}

/** The function tools of a request in OpenAI's and Cohere v2's shape (identical for function tools). */
function functionTools(tools: ChatCompletionTool[]): unknown {
  return tools.map((tool) => {
    if (tool.type !== "function") throw new Error("only function tools are used in these tests");
    return { type: "function", function: tool.function };
  });
}

export const API_PROVIDERS: ApiProvider[] = [
  {
    label: "openai",
    base: baseCase("openai"),
    serves: { chat: true, completions: true, embeddings: true },
    tools: true,
    candidates: true,
    upstreamTools: functionTools,
    firstToolCallId: () => "call_mock_1",
    errorBody: (status, message) =>
      openAIError(
        message,
        OPENAI_ERROR_TYPES[status] ?? (status >= 500 ? "server_error" : "invalid_request_error"),
      ),
    framing: {
      // With the usage chunk, as OpenAI answers the include_usage the scripted-stream tests always ask for.
      frames: (input) => openAIChatStreamFrames({ ...input, includeUsage: true }),
      terminalFrames: 1,
      // https://platform.openai.com/docs/guides/error-codes: a failure after the 200 arrives in-band.
      errorFrame: {
        frame: sseFrame(openAIError(RATE_LIMITED, "requests", "rate_limit_exceeded")),
        message: RATE_LIMITED,
        status: 429,
      },
    },
  },
  {
    label: "anthropic",
    base: baseCase("anthropic"),
    serves: {
      chat: true,
      completions: true,
      embeddings:
        "Anthropic has no embeddings API (https://docs.anthropic.com/en/docs/build-with-claude/embeddings)",
    },
    tools: true,
    candidates: "Anthropic returns one message per request",
    // https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/overview: name, description, input_schema.
    upstreamTools: (tools) =>
      tools.map((tool) => {
        if (tool.type !== "function") throw new Error("only function tools are used in these tests");
        const { name, description, parameters } = tool.function;
        return { name, ...(description !== undefined && { description }), input_schema: parameters };
      }),
    firstToolCallId: () => "toolu_mock_1",
    errorBody: (status, message) => anthropicError(ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message),
    framing: {
      frames: (input) => anthropicStreamFrames(input),
      terminalFrames: 1,
      // https://docs.anthropic.com/en/api/messages-streaming#error-events
      // overloaded_error is the streaming form of HTTP 529; the gateway's own word for it is 503.
      errorFrame: {
        frame: sseFrame(anthropicError("overloaded_error", OVERLOADED), "error"),
        message: OVERLOADED,
        status: 503,
      },
    },
  },
  {
    label: "cohere",
    base: baseCase("cohere"),
    serves: { chat: true, completions: true, embeddings: true },
    tools: true,
    candidates: "Cohere v2 returns one message per request",
    upstreamTools: functionTools,
    firstToolCallId: (toolName) => `${toolName}_mock1`,
    errorBody: (_status, message) => cohereError(message),
    framing: {
      frames: (input) => cohereStreamFrames(input),
      terminalFrames: 1,
      errorFrame: "Cohere v2 documents no in-stream error event (https://docs.cohere.com/v2/docs/streaming)",
    },
  },
  {
    label: "mock",
    base: baseCase("mock"),
    serves: { chat: true, completions: true, embeddings: true },
    tools: "the built-in mock provider only echoes text",
    candidates: true,
  },
  ...GOOGLE_AWS_API_PROVIDERS,
  ...COMPATIBLE_ROWS.map((row) => row.api),
];

export function apiProvider(label: string): ApiProvider {
  const found = API_PROVIDERS.find((provider) => provider.label === label);
  if (found === undefined) throw new Error(`no API provider '${label}'`);
  return found;
}

/** The echo reply and token counts for one user message (the mocks' rules, or the mock provider's). */
export function replyTo(provider: ApiProvider, user: string): ExpectedReply {
  return provider.base.expectedReply({ user });
}

/** The HTTP providers, which stream from a real upstream. */
export const UPSTREAM_PROVIDERS = API_PROVIDERS.filter((provider) => provider.framing !== undefined);
