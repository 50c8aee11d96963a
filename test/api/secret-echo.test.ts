import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anthropicError,
  anthropicMessage,
  anthropicStreamFrames,
  type MockUpstream,
  openAIChatCompletion,
  openAIChatStreamFrames,
  openAIEmbeddings,
  openAIError,
  openAIResponse,
  openAIResponseStreamFrames,
  type ReceivedResponse,
  type ScriptedResponse,
  sendRequest,
  sseFrame,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * Upstreams that echo the gateway's provider keys back, in every way an answer can carry them, through every
 * API and route type: no byte the client receives (status line aside: headers and body) may contain a key. The
 * OpenAI key is long; the Anthropic key has the shortest length the config accepts.
 */

const OPENAI_KEY = "sk-proj-T3stEch0-9f8e7d6c5b4a";
const ANTHROPIC_KEY = "Qz7Kx9";
const KEYS = [OPENAI_KEY, ANTHROPIC_KEY];
/** Generous: a machine busy with other test files can be slow to answer. */
const CLIENT_TIMEOUT_MS = 30_000;

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const openaiConfig = `{ openai_api_key: $OPENAI_KEY, openai_api_base: "${openai.url}/v1" }`;
  const anthropicConfig = `{ anthropic_api_key: $ANTHROPIC_KEY, anthropic_api_base: "${anthropic.url}/v1" }`;
  const route = (
    name: string,
    type: string,
    provider: string,
    model: string,
    config: string,
  ) => `  - name: ${name}
    type: llm/v1/${type}
    model: { provider: ${provider}, name: ${model}, config: ${config} }
    retries: { max_attempts: 1 }
`;
  gateway = await startGateway(
    `routes:
${route("openai-chat", "chat", "openai", "gpt-4o-mini", openaiConfig)}${route("openai-completions", "completions", "openai", "gpt-4o-mini", openaiConfig)}${route("openai-embeddings", "embeddings", "openai", "text-embedding-3-small", openaiConfig)}${route("anthropic-chat", "chat", "anthropic", "claude-3-5-haiku-latest", anthropicConfig)}${route("anthropic-completions", "completions", "anthropic", "claude-3-5-haiku-latest", anthropicConfig)}${route("pasted-key", "chat", "openai", `gpt-4o-mini-${OPENAI_KEY}`, openaiConfig)}`,
    { OPENAI_KEY: OPENAI_KEY, ANTHROPIC_KEY: ANTHROPIC_KEY },
  );
});

afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});

beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

type Provider = "openai" | "anthropic";
type Operation = "chat" | "completions" | "embeddings";

/** One way an upstream can echo a key; `carried` when the gateway passes that content on (as [REDACTED]). */
interface Echo {
  name: string;
  stream: boolean;
  /** Whether the API passes that content on (redacted); false when the client gets none of it anyway. */
  carried: boolean | "mlflow-format";
  answer(provider: Provider, operation: Operation, key: string): ScriptedResponse;
}

const ECHO_HEADERS = (key: string) => ({
  "x-echo": `Bearer ${key}`,
  "www-authenticate": `Bearer realm="${key}"`,
});

const ECHOES: Echo[] = [
  {
    name: "an error JSON with the key in its message",
    stream: false,
    carried: true,
    answer: (provider, _operation, key) => ({
      kind: "json",
      status: 401,
      headers: ECHO_HEADERS(key),
      body:
        provider === "openai"
          ? openAIError(`Incorrect API key provided: ${key}.`, "invalid_request_error", "invalid_api_key")
          : anthropicError("authentication_error", `invalid x-api-key ${key}`),
    }),
  },
  {
    name: "an error JSON without a message, passed on whole",
    stream: false,
    // MLflow's format passes the body on as the detail; OpenAI's envelope says there was no message.
    carried: "mlflow-format",
    answer: (_provider, _operation, key) => ({
      kind: "json",
      status: 500,
      body: { failure: { echoed: `Bearer ${key}`, nested: [{ key }] } },
    }),
  },
  {
    name: "a plain-text error",
    stream: false,
    carried: true,
    answer: (_provider, _operation, key) => ({
      kind: "raw",
      status: 503,
      contentType: "text/plain",
      body: `upstream rejected the key ${key}`,
    }),
  },
  {
    name: "an HTML error page",
    stream: false,
    carried: false,
    answer: (_provider, _operation, key) => ({
      kind: "raw",
      status: 502,
      contentType: "text/html",
      body: `<html><body>Bad gateway for ${key}</body></html>`,
      headers: ECHO_HEADERS(key),
    }),
  },
  {
    name: "a 200 body with the key in its content and model",
    stream: false,
    carried: true,
    answer: (provider, operation, key) => {
      const text = `Your key is ${key}, right?`;
      if (operation === "embeddings") {
        return { kind: "json", status: 200, body: openAIEmbeddings(["hi"], key), headers: ECHO_HEADERS(key) };
      }
      const body =
        provider === "openai"
          ? openAIChatCompletion({ text, model: key })
          : anthropicMessage({ text, model: key });
      return { kind: "json", status: 200, body, headers: ECHO_HEADERS(key) };
    },
  },
  {
    name: "stream chunks with the key in their content",
    stream: true,
    carried: true,
    answer: (provider, _operation, key) => {
      const text = `Your key is ${key} indeed`;
      const frames =
        provider === "openai"
          ? openAIChatStreamFrames({ text, model: key })
          : anthropicStreamFrames({ text, model: key });
      return { kind: "stream", frames, headers: ECHO_HEADERS(key) };
    },
  },
  {
    name: "stream chunks split across reads in the middle of the key",
    stream: true,
    carried: true,
    answer: (provider, _operation, key) => {
      const text = `Split ${key} key`;
      const frames =
        provider === "openai" ? openAIChatStreamFrames({ text }) : anthropicStreamFrames({ text });
      return { kind: "stream", frames, splitFramesAt: 4 };
    },
  },
  {
    name: "an SSE error event after the stream started",
    stream: true,
    carried: true,
    answer: (provider, _operation, key) => {
      if (provider === "openai") {
        const [first, second] = openAIChatStreamFrames({ text: "one two" });
        const error = sseFrame({
          error: { message: `Bad credentials: Bearer ${key}`, type: "server_error" },
        });
        return { kind: "stream", frames: [first as string, second as string, error] };
      }
      const frames = anthropicStreamFrames({ text: "one two" }).slice(0, 4);
      const error = sseFrame(anthropicError("overloaded_error", `Overloaded for key ${key}`), "error");
      return { kind: "stream", frames: [...frames, error] };
    },
  },
  {
    name: "an SSE error event as the first frame",
    stream: true,
    carried: true,
    answer: (provider, _operation, key) => {
      const error =
        provider === "openai"
          ? sseFrame({ error: { message: `Bad credentials: Bearer ${key}`, type: "invalid_request_error" } })
          : sseFrame(anthropicError("authentication_error", `invalid x-api-key ${key}`), "error");
      return { kind: "stream", frames: [error], headers: ECHO_HEADERS(key) };
    },
  },
  {
    name: "a stream that is an error event without JSON",
    stream: true,
    carried: true,
    answer: (provider, _operation, key) => {
      const [first] =
        provider === "openai"
          ? openAIChatStreamFrames({ text: "one" })
          : anthropicStreamFrames({ text: "one" });
      return { kind: "stream", frames: [first as string, `event: error\ndata: key ${key} refused\n\n`] };
    },
  },
];

/** How a client calls one API for a route; undefined when the API cannot make that call. */
interface Api {
  name: string;
  call(route: string, operation: Operation, stream: boolean): { path: string; body: unknown } | undefined;
}

const QUERY: Record<Operation, Record<string, unknown>> = {
  chat: { messages: [{ role: "user", content: "hi" }] },
  completions: { prompt: "hi" },
  embeddings: { input: "hi" },
};

const APIS: Api[] = [
  {
    name: "MLflow gateway API",
    call: (route, operation, stream) => {
      if (stream) return undefined;
      const body = operation === "embeddings" ? { text: "hi" } : QUERY[operation];
      return { path: `/gateway/${route}/invocations`, body };
    },
  },
  {
    name: "OpenAI API",
    call: (route, operation, stream) => {
      if (stream && operation === "embeddings") return undefined;
      const path = {
        chat: "/v1/chat/completions",
        completions: "/v1/completions",
        embeddings: "/v1/embeddings",
      }[operation];
      return { path, body: { model: route, ...QUERY[operation], ...(stream && { stream: true }) } };
    },
  },
  {
    name: "MLflow deployments API",
    call: (route, operation, stream) => {
      if (stream && operation === "embeddings") return undefined;
      return {
        path: `/endpoints/${route}/invocations`,
        body: { ...QUERY[operation], ...(stream && { stream: true }) },
      };
    },
  },
];

const ROUTES: { name: string; provider: Provider; operation: Operation }[] = [
  { name: "openai-chat", provider: "openai", operation: "chat" },
  { name: "openai-completions", provider: "openai", operation: "completions" },
  { name: "openai-embeddings", provider: "openai", operation: "embeddings" },
  { name: "anthropic-chat", provider: "anthropic", operation: "chat" },
  { name: "anthropic-completions", provider: "anthropic", operation: "completions" },
];

interface Case {
  title: string;
  provider: Provider;
  answer: ScriptedResponse;
  carried: boolean;
  path: string;
  body: unknown;
}

const CASES: Case[] = [];
for (const api of APIS) {
  for (const route of ROUTES) {
    for (const echo of ECHOES) {
      const call = api.call(route.name, route.operation, echo.stream);
      const key = route.provider === "openai" ? OPENAI_KEY : ANTHROPIC_KEY;
      if (call === undefined) continue;
      const answer = echo.answer(route.provider, route.operation, key);
      CASES.push({
        title: `${api.name}, route ${route.name}: ${echo.name}`,
        provider: route.provider,
        answer,
        carried: echo.carried === true || (echo.carried === "mlflow-format" && api.name !== "OpenAI API"),
        ...call,
      });
    }
  }
}

/**
 * The APIs coding agents speak, on the chat routes: relayed (Messages to Anthropic, Responses to OpenAI, whose
 * echoes are then in the Responses API's own shapes) and translated (the others).
 */
const AGENT_APIS: {
  name: string;
  call: (route: string, stream: boolean) => { path: string; body: unknown };
}[] = [
  {
    name: "Anthropic Messages API",
    call: (route, stream) => ({
      path: "/v1/messages",
      body: { model: route, max_tokens: 64, ...QUERY.chat, ...(stream && { stream: true }) },
    }),
  },
  {
    name: "OpenAI Responses API",
    call: (route, stream) => ({
      path: "/v1/responses",
      body: { model: route, input: "hi", store: false, ...(stream && { stream: true }) },
    }),
  },
];

/** An echo in the Responses API's shapes, for the Responses API relayed to OpenAI. */
function responsesEcho(echo: Echo, key: string): ScriptedResponse {
  const started = openAIResponseStreamFrames({ text: "one two" }).slice(0, 2);
  const errorEvent = (message: string) =>
    sseFrame({ type: "error", code: "server_error", message, param: null, sequence_number: 2 }, "error");
  switch (echo.name) {
    case "a 200 body with the key in its content and model":
      return {
        kind: "json",
        status: 200,
        body: openAIResponse({ text: `Your key is ${key}, right?`, model: key }),
        headers: ECHO_HEADERS(key),
      };
    case "stream chunks with the key in their content":
      return {
        kind: "stream",
        frames: openAIResponseStreamFrames({ text: `Your key is ${key} indeed`, model: key }),
        headers: ECHO_HEADERS(key),
      };
    case "stream chunks split across reads in the middle of the key":
      return {
        kind: "stream",
        frames: openAIResponseStreamFrames({ text: `Split ${key} key` }),
        splitFramesAt: 4,
      };
    case "an SSE error event after the stream started":
      return { kind: "stream", frames: [...started, errorEvent(`Bad credentials: Bearer ${key}`)] };
    case "an SSE error event as the first frame":
      return {
        kind: "stream",
        frames: [errorEvent(`Bad credentials: Bearer ${key}`)],
        headers: ECHO_HEADERS(key),
      };
    case "a stream that is an error event without JSON":
      return { kind: "stream", frames: [...started, `event: error\ndata: key ${key} refused\n\n`] };
    default:
      return echo.answer("openai", "chat", key);
  }
}

for (const api of AGENT_APIS) {
  for (const route of ROUTES.filter((candidate) => candidate.operation === "chat")) {
    for (const echo of ECHOES) {
      const key = route.provider === "openai" ? OPENAI_KEY : ANTHROPIC_KEY;
      const relayedResponses = api.name === "OpenAI Responses API" && route.provider === "openai";
      const relayed =
        relayedResponses || (api.name === "Anthropic Messages API" && route.provider === "anthropic");
      CASES.push({
        title: `${api.name}, route ${route.name}: ${echo.name}`,
        provider: route.provider,
        answer: relayedResponses ? responsesEcho(echo, key) : echo.answer(route.provider, "chat", key),
        // A relay holds back an error event it cannot read and ends with the gateway's own message.
        carried:
          echo.carried === true && !(relayed && echo.name === "a stream that is an error event without JSON"),
        ...api.call(route.name, echo.stream),
      });
    }
  }
}

/** Everything the client received but the status line: every header line and the body, as bytes. */
function receivedBytes(response: ReceivedResponse): string {
  const headers = Object.entries(response.headers)
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(", ") : value}`)
    .join("\r\n");
  return `${headers}\r\n\r\n${Buffer.concat(response.chunks).toString("latin1")}${response.text}`;
}

/** The key as it could appear in the bytes: as it is, and JSON-escaped. */
function formsOf(key: string): string[] {
  return [key, JSON.stringify(key).slice(1, -1), Buffer.from(key).toString("latin1")];
}

describe("no provider key reaches the client, whatever the upstream echoes", () => {
  it("covers every API, route type and kind of echo", () => {
    // 3 APIs; non-streaming echoes on every route, streaming ones where the API streams; the agent APIs on the
    // chat routes.
    expect(CASES.length).toBeGreaterThan(140);
    expect(CASES.filter((c) => c.path === "/v1/messages" || c.path === "/v1/responses")).toHaveLength(40);
  });

  it.each(CASES)("$title", async ({ title, provider, answer, carried, path, body }) => {
    const mock = provider === "openai" ? openai : anthropic;
    mock.enqueue(answer);
    const response = await sendRequest(`${gateway.url}${path}`, { body, timeoutMs: CLIENT_TIMEOUT_MS });
    expect(mock.requests.length).toBe(1);
    const received = receivedBytes(response);
    for (const secret of KEYS) for (const form of formsOf(secret)) expect(received).not.toContain(form);
    if (carried) expect(response.text, title).toContain("[REDACTED]");
  });

  it("redacts a key pasted into a model name, in the headers and bodies the gateway makes itself", async () => {
    const calls = [
      { path: "/v1/chat/completions", body: { model: "pasted-key", ...QUERY.chat } },
      { path: "/v1/chat/completions", body: { model: "pasted-key", stream: true, ...QUERY.chat } },
      { path: "/gateway/pasted-key/invocations", body: QUERY.chat },
      { path: "/api/2.0/gateway/routes/pasted-key" },
      { path: "/api/2.0/endpoints/pasted-key" },
    ];
    for (const call of calls) {
      const response = await sendRequest(`${gateway.url}${call.path}`, {
        timeoutMs: CLIENT_TIMEOUT_MS,
        ...(call.body !== undefined && { body: call.body }),
      });
      expect(response.status).toBe(200);
      const received = receivedBytes(response);
      for (const form of formsOf(OPENAI_KEY)) expect(received).not.toContain(form);
      expect(received).toContain("gpt-4o-mini-[REDACTED]");
      if (call.body !== undefined)
        expect(String(response.headers["x-switchyard-target"])).toBe("openai/gpt-4o-mini-[REDACTED]");
    }
  });

  it("never wrote a key in a log line either", () => {
    const logs = gateway.logs();
    expect(logs).toContain("[REDACTED]");
    for (const secret of KEYS) expect(logs).not.toContain(secret);
  });
});
