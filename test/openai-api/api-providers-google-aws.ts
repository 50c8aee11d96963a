import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { GOOGLE_AWS_CASES } from "../api/conformance-google-aws.js";
import type { ProviderCase } from "../api/provider-case.js";
import {
  bedrockError,
  converseStreamFrames,
  eventStreamFrame,
  geminiSseFrame,
  geminiStreamFrames,
  googleError,
  googleStatusOf,
  rawEventStreamFrame,
} from "../mock-upstream/index.js";
import type { ApiProvider, StreamFraming } from "./api-providers.js";

/**
 * The Gemini API, Vertex AI and Bedrock rows of the OpenAI-API suite (see api-providers.ts), kept in their own
 * file. Expectations come from the providers' documented APIs and the mocks' echo rules.
 */

const RATE_LIMITED = "Resource has been exhausted (e.g. check quota).";

function baseCase(label: string): ProviderCase {
  const found = GOOGLE_AWS_CASES.find((provider) => provider.label === label);
  if (found === undefined) throw new Error(`no provider case '${label}'`);
  return found;
}

function functions(tools: ChatCompletionTool[]) {
  return tools.map((tool) => {
    if (tool.type !== "function") throw new Error("only function tools are used in these tests");
    return tool.function;
  });
}

/** https://ai.google.dev/api/caching#Tool: function declarations with JSON Schema parameters. */
function geminiTools(tools: ChatCompletionTool[]): unknown {
  return [
    {
      functionDeclarations: functions(tools).map(({ name, description, parameters }) => ({
        name,
        ...(description !== undefined && { description }),
        ...(parameters !== undefined && { parametersJsonSchema: parameters }),
      })),
    },
  ];
}

/** SSE with CRLF and no end marker; an error mid-stream is Google's envelope as an event. */
const GEMINI_FRAMING: StreamFraming = {
  frames: (input) => geminiStreamFrames(input),
  terminalFrames: 1,
  errorFrame: {
    frame: geminiSseFrame(googleError(429, RATE_LIMITED, "RESOURCE_EXHAUSTED")),
    message: RATE_LIMITED,
    status: 429,
  },
};

function geminiApiProvider(label: "gemini" | "vertex_ai"): ApiProvider {
  return {
    label,
    base: baseCase(label),
    serves: { chat: true, completions: true, embeddings: true },
    tools: true,
    candidates: true,
    upstreamTools: geminiTools,
    // The mock's first answer after a reset has responseId gemini-mock-1 and a call without an id.
    firstToolCallId: () => "call_gemini-mock-1_0",
    errorBody: (status, message) => googleError(status, message, googleStatusOf(status)),
    streamRequested: (request) =>
      request.path.endsWith(":streamGenerateContent") && request.query.alt === "sse",
    candidatesInBody: (n) => ({ generationConfig: { candidateCount: n } }),
    wholeToolArguments: "Gemini sends a function call's arguments whole, in one event",
    toolCallIdsStayLocal:
      "Gemini matches a function's answer by name; ids the gateway made up are not sent (tool-call-id.ts)",
    framing: GEMINI_FRAMING,
  };
}

/** https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolSpecification.html */
function bedrockTools(tools: ChatCompletionTool[]): unknown {
  return functions(tools).map(({ name, description, parameters }) => ({
    toolSpec: { name, ...(description !== undefined && { description }), inputSchema: { json: parameters } },
  }));
}

const BEDROCK_RATE_LIMITED = "Too many requests, please wait before trying again.";

const BEDROCK_PROVIDER: ApiProvider = {
  label: "bedrock",
  base: baseCase("bedrock"),
  serves: { chat: true, completions: true, embeddings: true },
  tools: true,
  candidates: "Bedrock Converse returns one message per request",
  upstreamTools: bedrockTools,
  upstreamToolsOf: (body) =>
    typeof body.toolConfig === "object" && body.toolConfig !== null
      ? (body.toolConfig as Record<string, unknown>).tools
      : undefined,
  firstToolCallId: () => "tooluse_mock_1",
  errorBody: (_status, message) => bedrockError(message),
  streamRequested: (request) => request.path.endsWith("/converse-stream"),
  framing: {
    frames: (input) => converseStreamFrames(input),
    // messageStop, then metadata.
    terminalFrames: 2,
    malformed: () => rawEventStreamFrame("contentBlockDelta", '{"contentBlockIndex":0,"delta":{"te'),
    errorFrame: {
      frame: eventStreamFrame("throttlingException", { message: BEDROCK_RATE_LIMITED }, "exception"),
      message: BEDROCK_RATE_LIMITED,
      status: 429,
    },
  },
};

export const GOOGLE_AWS_API_PROVIDERS: ApiProvider[] = [
  geminiApiProvider("gemini"),
  geminiApiProvider("vertex_ai"),
  BEDROCK_PROVIDER,
];
