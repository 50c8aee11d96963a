import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicMessage,
  anthropicStreamFrames,
  cohereChatResponse,
  cohereStreamFrames,
  expectNoSpecViolations,
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
};

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
      const toolRequest = upstreamRequests[2]?.body as Record<string, unknown> | undefined;
      const forced: Record<string, unknown> = {
        anthropic: { type: "tool", name: TOOL_NAME },
        cohere: "REQUIRED",
      };
      // OpenAI and the OpenAI-compatible providers take OpenAI's own form.
      const openAIForm = { type: "function", function: { name: TOOL_NAME } };
      expect(toolRequest?.tool_choice).toEqual(forced[provider.label] ?? openAIForm);
    });
  });
}
