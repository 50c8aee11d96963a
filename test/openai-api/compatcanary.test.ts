import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicMessage,
  anthropicStreamFrames,
  cohereChatResponse,
  cohereStreamFrames,
  converseResponse,
  converseStreamFrames,
  expectNoSpecViolations,
  geminiStreamFrames,
  generateContentResponse,
  type MockChatInput,
  openAIChatCompletion,
  openAIChatStreamFrames,
  type RecordedRequest,
  type ScriptedResponse,
} from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { type ApiProvider, UPSTREAM_PROVIDERS } from "./api-providers.js";

/**
 * compatcanary (pinned in package.json), a third-party black-box scanner of OpenAI compatibility, run through its
 * CLI against a gateway route per provider. Its chat, streaming and forced-tool-call probes must pass. Its prompts
 * ("Reply briefly with CANARY_OK.", "Call the provided tool with value CANARY_OK.") do not trigger the mocks'
 * echo rules, so each upstream answers what a real model would, scripted in the upstream's own wire format; the
 * gateway's translation of request and answer is what is under test.
 */

const CLI = fileURLToPath(new URL("../../node_modules/compatcanary/src/cli.js", import.meta.url));
const run = promisify(execFile);

/** The probes this suite requires; compatcanary's `chat` profile also runs model discovery and structured output. */
const REQUIRED_PROBES = ["chat.basic", "chat.streaming", "chat.tool_call"];
const TOOL_NAME = "compatcanary_echo";

interface ProbeResult {
  id: string;
  status: "pass" | "warn" | "fail";
  summary: string;
}

interface Report {
  results: ProbeResult[];
}

/** An upstream's answers to the probes' requests, in the order the probes run. */
interface UpstreamScript {
  chat(input: MockChatInput): ScriptedResponse;
  stream(input: MockChatInput): ScriptedResponse;
}

/** Gemini's answers, on the Gemini API and on Vertex AI alike: JSON, and SSE with CRLF and no end marker. */
const GEMINI_SCRIPT: UpstreamScript = {
  chat: (input) => ({ kind: "json", status: 200, body: generateContentResponse(input) }),
  stream: (input) => ({ kind: "stream", frames: geminiStreamFrames(input) }),
};

const SCRIPTS: Record<string, UpstreamScript> = {
  openai: {
    chat: (input) => ({ kind: "json", status: 200, body: openAIChatCompletion(input) }),
    stream: (input) => ({ kind: "stream", frames: openAIChatStreamFrames(input) }),
  },
  anthropic: {
    chat: (input) => ({ kind: "json", status: 200, body: anthropicMessage(input) }),
    stream: (input) => ({ kind: "stream", frames: anthropicStreamFrames(input) }),
  },
  cohere: {
    chat: (input) => ({ kind: "json", status: 200, body: cohereChatResponse(input) }),
    stream: (input) => ({
      kind: "stream",
      frames: cohereStreamFrames(input),
      contentType: "text/event-stream",
    }),
  },
  gemini: GEMINI_SCRIPT,
  vertex_ai: GEMINI_SCRIPT,
  bedrock: {
    chat: (input) => ({ kind: "json", status: 200, body: converseResponse(input) }),
    // Binary AWS event-stream frames (application/vnd.amazon.eventstream).
    stream: (input) => ({ kind: "stream", frames: converseStreamFrames(input) }),
  },
};

/**
 * Where each upstream's request says which tool must be called, and how it says "this one":
 * https://ai.google.dev/api/caching#FunctionCallingConfig (mode ANY with one allowed name) and
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html (`tool`).
 */
const FORCED_TOOL: Record<string, { of(body: Record<string, unknown>): unknown; expected: unknown }> = {
  openai: { of: (body) => body.tool_choice, expected: { type: "function", function: { name: TOOL_NAME } } },
  anthropic: { of: (body) => body.tool_choice, expected: { type: "tool", name: TOOL_NAME } },
  cohere: { of: (body) => body.tool_choice, expected: "REQUIRED" },
  gemini: {
    of: (body) => (body.toolConfig as Record<string, unknown> | undefined)?.functionCallingConfig,
    expected: { mode: "ANY", allowedFunctionNames: [TOOL_NAME] },
  },
  bedrock: {
    of: (body) => (body.toolConfig as Record<string, unknown> | undefined)?.toolChoice,
    expected: { tool: { name: TOOL_NAME } },
  },
};
FORCED_TOOL.vertex_ai = FORCED_TOOL.gemini as (typeof FORCED_TOOL)[string];

function scriptFor(provider: ApiProvider): UpstreamScript {
  const script = provider.scripted ?? SCRIPTS[provider.label];
  if (script === undefined) throw new Error(`no compatcanary script for ${provider.label}`);
  return script;
}

let setup: ProvidersGateway;

beforeAll(async () => {
  setup = await startProvidersGateway(UPSTREAM_PROVIDERS);
});
afterAll(async () => {
  await setup?.close();
});
afterEach(() => {
  for (const provider of UPSTREAM_PROVIDERS) expectNoSpecViolations(setup.mockOf(provider));
});

async function scan(model: string): Promise<Report> {
  // --fail-on never: the exit code then only says whether the scan ran; the probes are judged below.
  const { stdout } = await run(
    process.execPath,
    [
      CLI,
      "scan",
      "--base-url",
      `${setup.gateway.url}/v1`,
      "--model",
      model,
      "--profile",
      "chat",
      "--format",
      "json",
      "--fail-on",
      "never",
      "--timeout",
      "10",
    ],
    { env: { ...process.env, OPENAI_API_KEY: "unused" }, timeout: 30_000 },
  );
  return JSON.parse(stdout) as Report;
}

for (const provider of UPSTREAM_PROVIDERS) {
  describe(`compatcanary against a route backed by ${provider.label}`, () => {
    let report: Report;
    let upstreamRequests: RecordedRequest[];
    beforeAll(async () => {
      setup.resetMocks();
      const script = scriptFor(provider);
      setup.mockOf(provider).enqueue(
        script.chat({ text: "CANARY_OK", inputTokens: 6 }),
        script.stream({ text: "CANARY_OK", inputTokens: 6 }),
        script.chat({
          toolCall: { name: TOOL_NAME, argumentsJson: '{"value":"CANARY_OK"}' },
          inputTokens: 8,
        }),
      );
      report = await scan(routeName(provider, "chat"));
      upstreamRequests = [...setup.mockOf(provider).requests];
    });

    for (const probe of REQUIRED_PROBES) {
      it(`passes the ${probe} probe`, () => {
        const result = report.results.find((candidate) => candidate.id === probe);
        expect(result, `the report has a ${probe} result`).toBeDefined();
        expect({ id: result?.id, status: result?.status, summary: result?.summary }).toEqual({
          id: probe,
          status: "pass",
          summary: expect.any(String),
        });
      });
    }

    it("lets the forced tool call reach the upstream as a forced call of that tool", () => {
      const toolRequest = (upstreamRequests[2]?.body ?? {}) as Record<string, unknown>;
      // The OpenAI-compatible providers take OpenAI's own form.
      const forced = FORCED_TOOL[provider.label] ?? FORCED_TOOL.openai;
      expect(forced?.of(toolRequest)).toEqual(forced?.expected);
    });
  });
}
