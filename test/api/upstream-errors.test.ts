import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anthropicError,
  anthropicMessage,
  cohereChatResponse,
  cohereEmbedResponse,
  cohereError,
  delayed,
  expectNoSpecViolations,
  type MockUpstream,
  openAIChatCompletion,
  openAIEmbeddings,
  openAIError,
  type ScriptedResponse,
} from "../mock-upstream/index.js";
import { closedPortUrl } from "../support/closed-port-url.js";
import { COMPATIBLE_ROWS } from "./compatible/rows.js";
import { PROVIDER_CASES } from "./conformance-providers.js";
import { type GatewayUnderTest, type JsonResponse, routeYaml, startGateway } from "./gateway-under-test.js";
import { modelFor, type ProviderCase } from "./provider-case.js";

/**
 * Every way an upstream call can fail, over the MLflow API, per provider: the status and `detail` the client
 * gets, that no answer carries a stack trace, and that the gateway serves the next request normally.
 */

interface ErrorProvider {
  /** The provider as the conformance suite declares it (config, mock, model). */
  base: ProviderCase;
  /** The provider's name as the gateway's messages give it. */
  displayName: string;
  /** The provider's own error body for an HTTP status. */
  errorBody(status: number, message: string): unknown;
  /** A JSON error body in the provider's shape that carries no message. */
  bodyWithoutMessage: unknown;
  okChatAnswer: unknown;
  /** Successful-looking answers that lack a field the gateway needs, per route. */
  incomplete: { route: "chat" | "embeddings"; missing: string; body: unknown }[];
}

function withoutKey<T extends object>(body: T, key: keyof T): Omit<T, typeof key> {
  const { [key]: _removed, ...rest } = body;
  return rest;
}

const OPENAI_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  404: "invalid_request_error",
  429: "requests",
};
/** https://docs.anthropic.com/en/api/errors */
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  429: "rate_limit_error",
};

function baseCase(label: string): ProviderCase {
  const found = PROVIDER_CASES.find((provider) => provider.label === label);
  if (found === undefined) throw new Error(`no provider case '${label}'`);
  return found;
}

const ERROR_PROVIDERS: ErrorProvider[] = [
  {
    base: baseCase("openai"),
    displayName: "OpenAI",
    errorBody: (status, message) => openAIError(message, OPENAI_ERROR_TYPES[status] ?? "server_error"),
    bodyWithoutMessage: { error: { type: "server_error", param: null, code: null } },
    okChatAnswer: openAIChatCompletion(),
    incomplete: [
      { route: "chat", missing: "`choices`", body: withoutKey(openAIChatCompletion(), "choices") },
      { route: "embeddings", missing: "`data`", body: withoutKey(openAIEmbeddings(["x"]), "data") },
    ],
  },
  {
    base: baseCase("anthropic"),
    displayName: "Anthropic",
    errorBody: (status, message) => anthropicError(ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message),
    bodyWithoutMessage: { type: "error", error: { type: "api_error" } },
    okChatAnswer: anthropicMessage(),
    incomplete: [{ route: "chat", missing: "`content`", body: withoutKey(anthropicMessage(), "content") }],
  },
  {
    base: baseCase("cohere"),
    displayName: "Cohere",
    errorBody: (_status, message) => cohereError(message),
    bodyWithoutMessage: { id: "error-without-message" },
    okChatAnswer: cohereChatResponse(),
    incomplete: [
      { route: "chat", missing: "`message`", body: withoutKey(cohereChatResponse(), "message") },
      {
        route: "embeddings",
        missing: "`embeddings`",
        body: withoutKey(cohereEmbedResponse(["x"]), "embeddings"),
      },
    ],
  },
  // Every OpenAI-compatible provider, in its own error envelope.
  ...COMPATIBLE_ROWS.map(
    (row): ErrorProvider => ({
      base: row.base,
      displayName: row.displayName,
      errorBody: (status, message) => row.profile.errorBody(status, message),
      bodyWithoutMessage: { error: { type: "server_error" } },
      okChatAnswer: row.profile.chatBody?.(openAIChatCompletion()) ?? openAIChatCompletion(),
      incomplete: [
        { route: "chat", missing: "`choices`", body: withoutKey(openAIChatCompletion(), "choices") },
      ],
    }),
  ),
];

/** What one failure must look like to the client. */
interface FaultCase {
  name: string;
  /** The gateway route to query; "chat" unless given. */
  route?: Route;
  /** What the upstream answers; none for the closed port. */
  answer?: ScriptedResponse;
  status: number;
  /** The exact `detail`, or a matcher for it. */
  detail: unknown;
  headers?: Record<string, string>;
}

/** Routes of each provider's gateway: normal ones, and chat routes with short timeouts or no upstream at all. */
type Route = "chat" | "embeddings" | "first-byte" | "idle" | "total" | "closed";

const CHAT_BODY = { messages: [{ role: "user", content: "Hello" }] };
const EMBEDDINGS_BODY = { text: ["Hello"] };
/** Every secret of the providers' test configs: none may appear in an answer. */
const API_KEY_PATTERN = new RegExp(
  ERROR_PROVIDERS.map((provider) => apiKeyOf(provider))
    .filter((key): key is string => key !== undefined)
    .map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|"),
);

function json(status: number, body: unknown, headers?: Record<string, string>): ScriptedResponse {
  return { kind: "json", status, body, ...(headers && { headers }) };
}

function faultCases(provider: ErrorProvider): FaultCase[] {
  const statusCases = [
    [400, "max_tokens: 100000 is greater than the maximum allowed"],
    [401, "Incorrect API key provided."],
    [404, "The model 'no-such-model' does not exist."],
    [429, "Rate limit reached for requests per minute."],
  ] as const;
  return [
    ...statusCases.map(([status, message]) => ({
      name: `answers an upstream ${status} with ${status} and ${provider.displayName}'s message as detail`,
      answer: json(status, provider.errorBody(status, message)),
      status,
      detail: message,
    })),
    {
      name: "passes an upstream 429's Retry-After on to the client",
      answer: json(429, provider.errorBody(429, "Slow down."), { "retry-after": "7" }),
      status: 429,
      detail: "Slow down.",
      headers: { "retry-after": "7" },
    },
    {
      name: "answers an upstream 500 whose JSON has no message with 500 and the upstream body as detail",
      answer: json(500, provider.bodyWithoutMessage),
      status: 500,
      detail: provider.bodyWithoutMessage,
    },
    {
      name: "answers a plain-text upstream error with its status and the text as detail",
      answer: { kind: "raw", status: 503, body: "upstream connect error", contentType: "text/plain" },
      status: 503,
      detail: "upstream connect error",
    },
    ...redactionCase(provider),
    {
      name: "answers an HTML error page with 502 naming its content type",
      answer: {
        kind: "raw",
        status: 503,
        body: "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
        contentType: "text/html; charset=utf-8",
      },
      status: 502,
      detail: expect.stringContaining("content type 'text/html; charset=utf-8', not JSON"),
    },
    {
      name: "answers invalid JSON under a JSON content type with 502",
      answer: { kind: "raw", status: 200, body: '{"id": "cut', contentType: "application/json" },
      status: 502,
      detail: `${provider.displayName} answered HTTP 200 with a body that is not valid JSON.`,
    },
    ...provider.incomplete.map(({ route, missing, body }) => ({
      name: `answers a 200 ${route} answer without ${missing} with 502 saying what is missing`,
      route,
      answer: json(200, body),
      status: 502,
      detail: expect.stringContaining(`cannot read: ${missing} is missing`),
    })),
    {
      name: "answers a connection reset with 502 naming the provider",
      answer: { kind: "reset" },
      status: 502,
      detail: expect.stringContaining(`Could not get an answer from ${provider.displayName}`),
    },
    {
      name: "answers an upstream that nothing listens on with 502 naming the provider",
      route: "closed",
      status: 502,
      detail: expect.stringContaining(`Could not get an answer from ${provider.displayName}`),
    },
    {
      name: "answers 504 when the first byte takes longer than timeouts.first_byte_seconds",
      route: "first-byte",
      answer: delayed(5000, json(200, provider.okChatAnswer)),
      status: 504,
      detail: `${provider.displayName} did not start answering within the route's first-byte timeout (timeouts.first_byte_seconds).`,
    },
    {
      name: "answers 504 when the body stalls for longer than timeouts.idle_seconds",
      route: "idle",
      answer: {
        kind: "stream",
        contentType: "application/json",
        frames: ["{", "}"],
        delayMsBetweenFrames: 5000,
      },
      status: 504,
      detail: `${provider.displayName} stopped sending its answer for longer than the route's idle timeout (timeouts.idle_seconds).`,
    },
    {
      name: "answers 504 when the whole answer takes longer than timeouts.total_seconds",
      route: "total",
      answer: {
        kind: "stream",
        contentType: "application/json",
        frames: [JSON.stringify(provider.okChatAnswer), ...Array.from({ length: 10 }, () => " ")],
        delayMsBetweenFrames: 100,
      },
      status: 504,
      detail: `${provider.displayName} did not finish answering within the route's total timeout (timeouts.total_seconds).`,
    },
    {
      name: "names the total timeout when it runs out before the first byte (total shorter than first byte)",
      route: "total",
      answer: delayed(5000, json(200, provider.okChatAnswer)),
      status: 504,
      detail: `${provider.displayName} did not finish answering within the route's total timeout (timeouts.total_seconds).`,
    },
  ];
}

/** The route's secret, for providers configured with one (a self-hosted server may have none). */
function apiKeyOf(provider: ErrorProvider): string | undefined {
  const config = provider.base.config("http://127.0.0.1");
  const key = Object.entries(config).find(([name]) => name.endsWith("_api_key") || name === "token")?.[1];
  return typeof key === "string" ? key : undefined;
}

function redactionCase(provider: ErrorProvider): FaultCase[] {
  const key = apiKeyOf(provider);
  if (key === undefined) return [];
  return [
    {
      name: "redacts the API key when the upstream's message quotes it",
      answer: json(401, provider.errorBody(401, `Incorrect API key provided: ${key}.`)),
      status: 401,
      detail: "Incorrect API key provided: [REDACTED].",
    },
  ];
}

function expectNoStackTrace(response: JsonResponse): void {
  expect(response.text).not.toMatch(/\bat .+\.(js|ts):\d+|node:internal|\n\s+at /);
}

for (const provider of ERROR_PROVIDERS) {
  describe(`upstream failures of ${provider.base.label}`, () => {
    let mock: MockUpstream;
    let gateway: GatewayUnderTest;
    const { base } = provider;

    beforeAll(async () => {
      mock = await (base.startMock?.() ?? Promise.reject(new Error("an HTTP provider needs a mock")));
      const config = base.config(mock.url);
      // One attempt, no breaker: these tests are about how each single failure is reported (retries,
      // fallbacks and breakers have their own suite).
      const singleAttempt = "    retries: {max_attempts: 1}\n    circuit_breaker: {failure_threshold: 0}\n";
      const chatRoute = (name: string, timeouts = "") =>
        routeYaml(name, "llm/v1/chat", base.provider, base.model, config) +
        singleAttempt +
        (timeouts === "" ? "" : `    timeouts: ${timeouts}\n`);
      const routes = [
        chatRoute("chat"),
        base.serves.embeddings === true
          ? routeYaml(
              "embeddings",
              "llm/v1/embeddings",
              base.provider,
              modelFor(base, "embeddings"),
              config,
            ) + singleAttempt
          : "",
        chatRoute("first-byte", "{first_byte_seconds: 0.3}"),
        chatRoute("idle", "{idle_seconds: 0.3}"),
        chatRoute("total", "{total_seconds: 0.5}"),
        routeYaml("closed", "llm/v1/chat", base.provider, base.model, base.config(await closedPortUrl())) +
          singleAttempt,
      ];
      gateway = await startGateway(`routes:\n${routes.join("")}`);
    });
    afterAll(async () => {
      await gateway?.close();
      await mock?.close();
    });
    beforeEach(() => mock.reset());

    async function expectStillServing(): Promise<void> {
      mock.reset();
      const next = await gateway.post("/gateway/chat/invocations", CHAT_BODY);
      expect(next.status, `a normal request after the failure answered ${next.text}`).toBe(200);
      expect(next.body).toMatchObject({ candidates: [{ message: { content: "Echo: Hello" } }] });
    }

    for (const fault of faultCases(provider)) {
      it(fault.name, async () => {
        if (fault.answer !== undefined) mock.enqueue(fault.answer);
        const route = fault.route ?? "chat";
        const body = route === "embeddings" ? EMBEDDINGS_BODY : CHAT_BODY;
        const response = await gateway.post(`/gateway/${route}/invocations`, body);

        expect({ status: response.status, body: response.body }).toEqual({
          status: fault.status,
          body: { detail: fault.detail, request_id: response.headers.get("x-request-id") },
        });
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        for (const [name, value] of Object.entries(fault.headers ?? {})) {
          expect(response.headers.get(name), name).toBe(value);
        }
        expectNoStackTrace(response);
        expect(response.text).not.toMatch(API_KEY_PATTERN);
        expect(mock.requests).toHaveLength(route === "closed" ? 0 : 1);
        expectNoSpecViolations(mock);
        await expectStillServing();
      });
    }
  });
}
