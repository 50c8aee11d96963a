import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { Ajv2020 } from "ajv/dist/2020.js";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { anthropicErrorFormat } from "../../src/api/anthropic-error-format.js";
import { useApiErrors } from "../../src/api/api-errors.js";
import { type DocumentedError, type ErrorFormat, errorSchema } from "../../src/api/error-format.js";
import { mlflowErrorFormat } from "../../src/api/mlflow-error-format.js";
import { openAIErrorFormat } from "../../src/api/openai-error-format.js";
import { registerRequestId, requestIdOf } from "../../src/api/request-id.js";
import {
  type AccessGateway,
  governanceYaml,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "../access/access-gateway.js";
import {
  anthropicError,
  type MockUpstream,
  openAIError,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { closedPortUrl } from "../support/closed-port-url.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";
import { type RawResponse, requestHead, sendRaw } from "./raw-http.js";

/**
 * The error tables of docs/mlflow-api.md, docs/openai-api.md and docs/agent-apis.md are each API's documented errors
 * (`documentedErrors` of its error format, which also makes the OpenAPI document's error responses), and the
 * server answers every status they list, on the API's paths, in the API's own error format: handler errors and
 * the HTTP layer's alike (bad URL, 405, 408, 413, 414, 415, 431).
 */

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;
/** A bare app with the gateway's error handling and a handler that fails: the only way to see a 500. */
let failing: FastifyInstance;
let failingUrl: string;
/** A gateway that requires keys (the 401 and 403 rows), and a key of it that may call `chat-b` only. */
let keyed: AccessGateway;
let scopedKey: string;

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const closed = await closedPortUrl();
  const openaiConfig = `{ openai_api_key: sk-test-tables, openai_api_base: "${openai.url}/v1" }`;
  const anthropicConfig = `{ anthropic_api_key: sk-ant-test-tables, anthropic_api_base: "${anthropic.url}/v1" }`;
  gateway = await startGateway(`server:
  max_body_bytes: 2048
  request_header_timeout_seconds: 0.5
  request_timeout_seconds: 0.5
routes:
  - { name: chat, type: llm/v1/chat, model: { provider: mock, name: mock-echo } }
  - { name: embeddings, type: llm/v1/embeddings, model: { provider: mock, name: mock-embed } }
  - { name: relayed, type: llm/v1/chat, model: { provider: openai, name: gpt-4o-mini, config: ${openaiConfig} } }
  - { name: translated, type: llm/v1/chat, model: { provider: anthropic, name: claude-3-5-haiku-latest, config: ${anthropicConfig} } }
  - name: unreachable
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-test-tables, openai_api_base: "${closed}/v1" } }
  - name: slow
    type: llm/v1/chat
    timeouts: { total_seconds: 0.3 }
    retries: { max_attempts: 1 }
    model: { provider: openai, name: gpt-4o-mini, config: ${openaiConfig} }
  - name: limited
    type: llm/v1/chat
    max_in_flight: 1
    model: { provider: mock, name: mock-echo, config: { latency_ms: 1500 } }
  - name: rationed
    type: llm/v1/chat
    limit: { calls: 1, renewal_period: day }
    model: { provider: mock, name: mock-echo }
  - name: budgeted
    type: llm/v1/chat
    price: { input_per_mtok: 1000, output_per_mtok: 1000 }
    budgets: [{ amount_usd: "0.000001", period: day }]
    model: { provider: mock, name: mock-echo }
`);
  failing = Fastify({ genReqId: requestIdOf });
  registerRequestId(failing);
  useApiErrors(failing);
  for (const path of ["/boom", "/v1/boom", "/v1/messages/boom"]) {
    failing.get(path, async () => {
      throw new Error("a defect with internals: /srv/secret/path");
    });
  }
  failingUrl = await failing.listen({ host: "127.0.0.1", port: 0 });
  keyed = await startAccessGateway((directory) => routesYaml() + governanceYaml(directory));
  scopedKey = (await keyed.createKey({ routes: ["chat-b"] })).key;
});
afterAll(async () => {
  await keyed?.close();
  if (keyed !== undefined) removeDirectory(keyed.directory);
  await failing?.close();
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});

const chat = { messages: [{ role: "user", content: "Hi" }] };
const json = { "content-type": "application/json" };

/** Sends one request to the gateway (or the failing app) and reads its response, whatever it is. */
function send(
  method: string,
  path: string,
  options: { body?: string | object; headers?: Record<string, string>; stall?: boolean; on?: string } = {},
): Promise<RawResponse> {
  const body = typeof options.body === "object" ? JSON.stringify(options.body) : options.body;
  const headers = { ...(body !== undefined && json), ...options.headers };
  return sendRaw(options.on ?? gateway.url, requestHead(method, path, headers, body), {
    ...(body !== undefined && { body }),
    ...(options.stall === true && { stall: true }),
  });
}

/** Holds the `limited` route's one slot with a request of its own, then asks again. */
async function overLimit(path: string, body: object): Promise<RawResponse> {
  const holding = send("POST", path, { body });
  await vi.waitFor(
    async () =>
      expect((await gateway.get("/metrics")).text).toContain(
        'switchyard_requests_in_flight{route="limited"} 1',
      ),
    { timeout: 5000 },
  );
  const refused = await send("POST", path, { body });
  await holding;
  return refused;
}

type Probe = { what: string; send: () => Promise<RawResponse>; expect?: (response: RawResponse) => void };
type Probes = Record<string, Probe[]>;

const allow = (methods: string) => (response: RawResponse) => expect(response.headers.allow).toBe(methods);
const longName = "n".repeat(1001);
/** 200 levels of arrays: over the default max_json_depth (128), within this gateway's 2048-byte body limit. */
const deep = `${"[".repeat(200)}${"]".repeat(200)}`;
const bigHeader = { "x-padding": "p".repeat(20_000) };

/** A call to the keyed gateway: without a key, with a made-up one, or with the scoped key. */
function keyedCall(path: string, body: object, key?: string): () => Promise<RawResponse> {
  return () =>
    send("POST", path, {
      body,
      on: keyed.url,
      ...(key !== undefined && { headers: { authorization: `Bearer ${key}` } }),
    });
}
const unknownKey = "sk-sy-AbCdEf123456-0000000000000000000000000000000000000000000000000";

const MLFLOW_PROBES: Probes = {
  "401": [
    { what: "no key where keys are required", send: keyedCall("/gateway/chat/invocations", chat) },
    { what: "a malformed key", send: keyedCall("/gateway/chat/invocations", chat, unknownKey) },
    { what: "no key (deployments)", send: keyedCall("/endpoints/chat/invocations", chat) },
  ],
  "403": [
    {
      what: "a route outside the key's scope",
      send: () => keyedCall("/gateway/chat/invocations", chat, scopedKey)(),
    },
  ],
  "400": [
    { what: "malformed JSON", send: () => send("POST", "/gateway/chat/invocations", { body: "{bad" }) },
    { what: "an empty body", send: () => send("POST", "/gateway/chat/invocations", { body: "" }) },
    {
      what: "a body nested deeper than max_json_depth",
      send: () => send("POST", "/gateway/chat/invocations", { body: `{"messages":${deep}}` }),
    },
    { what: "a bad page_token", send: () => send("GET", "/api/2.0/gateway/routes/?page_token=zz") },
    { what: "a bad max_results", send: () => send("GET", "/api/2.0/gateway/routes/?max_results=0") },
    { what: "a bad filter", send: () => send("GET", "/api/2.0/gateway/routes/?filter=nonsense") },
    { what: "a bad page_token (deployments)", send: () => send("GET", "/api/2.0/endpoints/?page_token=zz") },
    {
      what: "a URL that cannot be decoded",
      send: () => send("POST", "/gateway/%E0%A4%A/invocations", { body: chat }),
    },
  ],
  "404": [
    { what: "an unknown route", send: () => send("POST", "/gateway/nope/invocations", { body: chat }) },
    { what: "an unknown endpoint", send: () => send("GET", "/api/2.0/endpoints/nope") },
    { what: "an unknown path", send: () => send("GET", "/nope") },
  ],
  "405": [
    { what: "DELETE /health", send: () => send("DELETE", "/health"), expect: allow("GET, HEAD") },
    {
      what: "GET on a query path",
      send: () => send("GET", "/gateway/chat/invocations"),
      expect: allow("POST"),
    },
    {
      what: "PUT on an endpoint",
      send: () => send("PUT", "/api/2.0/endpoints/chat"),
      expect: allow("GET, HEAD"),
    },
    { what: "POST /metrics", send: () => send("POST", "/metrics"), expect: allow("GET, HEAD") },
  ],
  "408": [
    {
      what: "a body that never comes",
      send: () => send("POST", "/gateway/chat/invocations", { body: JSON.stringify(chat), stall: true }),
    },
  ],
  "413": [
    {
      what: "a body over max_body_bytes",
      send: () => send("POST", "/gateway/chat/invocations", { body: { ...chat, pad: "x".repeat(4096) } }),
    },
  ],
  "414": [
    {
      what: "a long route name",
      send: () => send("POST", `/gateway/${longName}/invocations`, { body: chat }),
    },
  ],
  "415": [
    {
      what: "a text/plain body",
      send: () =>
        send("POST", "/gateway/chat/invocations", { body: "{}", headers: { "content-type": "text/plain" } }),
    },
  ],
  "422": [
    {
      what: "a body without messages",
      send: () => send("POST", "/gateway/chat/invocations", { body: { text: "x" } }),
    },
    {
      what: "model in the body",
      send: () => send("POST", "/gateway/chat/invocations", { body: { ...chat, model: "x" } }),
    },
    { what: "n", send: () => send("POST", "/gateway/chat/invocations", { body: { ...chat, n: 2 } }) },
  ],
  "431": [
    {
      what: "20 KB of headers",
      send: () => send("GET", "/api/2.0/gateway/routes/chat", { headers: bigHeader }),
    },
  ],
  "500": [{ what: "a handler that fails", send: () => send("GET", "/boom", { on: failingUrl }) }],
  "429": [
    {
      what: "a rate limit",
      send: async () => {
        await send("POST", "/gateway/rationed/invocations", { body: chat });
        return send("POST", "/gateway/rationed/invocations", { body: chat });
      },
      expect: (response) =>
        expect(response.body).toEqual({
          error: "Rate limit exceeded: 1 per 1 day (limit 'rpd' of route 'rationed')",
          request_id: response.headers["x-request-id"],
        }),
    },
    {
      what: "a budget",
      send: () => send("POST", "/gateway/budgeted/invocations", { body: chat }),
      expect: (response) =>
        expect((response.body as { detail: string }).detail).toMatch(/^Budget limit exceeded\./),
    },
  ],
  "upstream's": [
    {
      what: "the provider's 401",
      send: () => {
        openai.enqueue({ kind: "json", status: 401, body: openAIError("Incorrect API key provided.") });
        return send("POST", "/gateway/relayed/invocations", { body: chat });
      },
      expect: (response) => {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({
          detail: "Incorrect API key provided.",
          request_id: response.headers["x-request-id"],
        });
      },
    },
  ],
  "502": [
    {
      what: "an unreachable provider",
      send: () => send("POST", "/gateway/unreachable/invocations", { body: chat }),
    },
  ],
  "503": [
    { what: "a route at its max_in_flight", send: () => overLimit("/gateway/limited/invocations", chat) },
  ],
  "504": [
    {
      what: "a provider slower than the route's timeout",
      send: () => {
        openai.enqueue({ kind: "hang" });
        return send("POST", "/gateway/slow/invocations", { body: chat });
      },
    },
  ],
};

const OPENAI_PROBES: Probes = {
  "401": [
    {
      what: "no key where keys are required",
      send: keyedCall("/v1/chat/completions", { ...chat, model: "chat" }),
    },
    {
      what: "a malformed key",
      send: keyedCall("/v1/chat/completions", { ...chat, model: "chat" }, unknownKey),
    },
  ],
  "403": [
    {
      what: "a route outside the key's scope",
      send: () => keyedCall("/v1/chat/completions", { ...chat, model: "chat" }, scopedKey)(),
    },
  ],
  "400": [
    {
      what: "an invalid request",
      send: () => send("POST", "/v1/chat/completions", { body: { model: "chat" } }),
    },
    { what: "malformed JSON", send: () => send("POST", "/v1/chat/completions", { body: "{bad" }) },
    {
      what: "a route of another type",
      send: () => send("POST", "/v1/chat/completions", { body: { ...chat, model: "embeddings" } }),
    },
    {
      what: "a body nested deeper than max_json_depth",
      send: () => send("POST", "/v1/chat/completions", { body: `{"model":"chat","metadata":${deep}}` }),
    },
    { what: "a URL that cannot be decoded", send: () => send("GET", "/v1/models/%E0%A4%A") },
  ],
  "404": [
    {
      what: "an unknown route",
      send: () => send("POST", "/v1/chat/completions", { body: { ...chat, model: "nope" } }),
    },
    { what: "an unknown model", send: () => send("GET", "/v1/models/nope") },
    { what: "an unknown path", send: () => send("GET", "/v1/nope") },
  ],
  "405": [
    {
      what: "GET on chat completions",
      send: () => send("GET", "/v1/chat/completions"),
      expect: allow("POST"),
    },
    {
      what: "POST /v1/models",
      send: () => send("POST", "/v1/models", { body: {} }),
      expect: allow("GET, HEAD"),
    },
  ],
  "408": [
    {
      what: "a body that never comes",
      send: () => send("POST", "/v1/chat/completions", { body: JSON.stringify(chat), stall: true }),
    },
  ],
  "413": [
    {
      what: "a body over max_body_bytes",
      send: () => send("POST", "/v1/embeddings", { body: { model: "embeddings", input: "x".repeat(4096) } }),
    },
  ],
  "414": [{ what: "a long model name", send: () => send("GET", `/v1/models/${longName}`) }],
  "415": [
    {
      what: "a text/plain body",
      send: () =>
        send("POST", "/v1/chat/completions", { body: "{}", headers: { "content-type": "text/plain" } }),
    },
  ],
  "431": [{ what: "20 KB of headers", send: () => send("GET", "/v1/models", { headers: bigHeader }) }],
  "500": [{ what: "a handler that fails", send: () => send("GET", "/v1/boom", { on: failingUrl }) }],
  "upstream's": [
    {
      what: "the provider's 401, translated",
      send: () => {
        anthropic.enqueue({
          kind: "json",
          status: 401,
          body: anthropicError("authentication_error", "invalid x-api-key"),
        });
        return send("POST", "/v1/chat/completions", { body: { ...chat, model: "translated" } });
      },
      expect: (response) => {
        expect(response.status).toBe(401);
        expect(JSON.stringify(response.body)).toContain("invalid x-api-key");
      },
    },
  ],
  "502": [
    {
      what: "an unreachable provider",
      send: () => send("POST", "/v1/chat/completions", { body: { ...chat, model: "unreachable" } }),
    },
  ],
  "503": [
    {
      what: "a route at its max_in_flight",
      send: () => overLimit("/v1/chat/completions", { ...chat, model: "limited" }),
    },
  ],
  "429": [
    {
      what: "a budget",
      send: () => send("POST", "/v1/chat/completions", { body: { ...chat, model: "budgeted" } }),
      expect: (response) =>
        expect(response.body).toMatchObject({
          error: { type: "insufficient_quota", limit: { kind: "budget" } },
        }),
    },
  ],
  "504": [
    {
      what: "a provider slower than the route's timeout",
      send: () => {
        openai.enqueue({ kind: "hang" });
        return send("POST", "/v1/chat/completions", { body: { ...chat, model: "slow" } });
      },
    },
  ],
};

const message = { model: "chat", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

const ANTHROPIC_PROBES: Probes = {
  "401": [
    {
      what: "no key where keys are required",
      send: keyedCall("/v1/messages", { ...message, model: "chat" }),
    },
    {
      what: "an unknown key in x-api-key, as Claude Code sends it",
      send: () =>
        send("POST", "/v1/messages", {
          body: { ...message, model: "chat" },
          on: keyed.url,
          headers: { "x-api-key": unknownKey },
        }),
      expect: (response) => expect(response.body).toMatchObject({ error: { type: "authentication_error" } }),
    },
  ],
  "403": [
    {
      what: "a route outside the key's scope",
      send: () => keyedCall("/v1/messages", { ...message, model: "chat" }, scopedKey)(),
      expect: (response) => expect(response.body).toMatchObject({ error: { type: "permission_error" } }),
    },
  ],
  "400": [
    {
      what: "an invalid request",
      send: () => send("POST", "/v1/messages", { body: { model: "chat", messages: [] } }),
      expect: (response) => expect(JSON.stringify(response.body)).toContain("max_tokens"),
    },
    {
      what: "thinking on a provider without it",
      send: () =>
        send("POST", "/v1/messages", {
          body: { ...message, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 } },
        }),
      expect: (response) => expect(JSON.stringify(response.body)).toMatch(/thinking.*'chat'/),
    },
    { what: "malformed JSON", send: () => send("POST", "/v1/messages", { body: "{bad" }) },
    {
      what: "a route of another type",
      send: () => send("POST", "/v1/messages", { body: { ...message, model: "embeddings" } }),
    },
    {
      what: "a body nested deeper than max_json_depth",
      send: () => send("POST", "/v1/messages/count_tokens", { body: `{"model":"chat","metadata":${deep}}` }),
    },
  ],
  "404": [
    {
      what: "an unknown model",
      send: () => send("POST", "/v1/messages", { body: { ...message, model: "claude-sonnet-4-5" } }),
      expect: (response) => expect(response.body).toMatchObject({ error: { type: "not_found_error" } }),
    },
  ],
  "405": [
    { what: "GET on messages", send: () => send("GET", "/v1/messages"), expect: allow("POST") },
    {
      what: "PUT on count_tokens",
      send: () => send("PUT", "/v1/messages/count_tokens", { body: {} }),
      expect: allow("POST"),
    },
  ],
  "408": [
    {
      what: "a body that never comes",
      send: () => send("POST", "/v1/messages", { body: JSON.stringify(message), stall: true }),
    },
  ],
  "413": [
    {
      what: "a body over max_body_bytes",
      send: () => send("POST", "/v1/messages", { body: { ...message, system: "x".repeat(4096) } }),
    },
  ],
  "415": [
    {
      what: "a text/plain body",
      send: () => send("POST", "/v1/messages", { body: "{}", headers: { "content-type": "text/plain" } }),
    },
  ],
  "431": [
    {
      what: "20 KB of headers",
      send: () => send("POST", "/v1/messages", { body: message, headers: bigHeader }),
    },
  ],
  "500": [{ what: "a handler that fails", send: () => send("GET", "/v1/messages/boom", { on: failingUrl }) }],
  "upstream's": [
    {
      what: "the provider's 401, relayed",
      send: () => {
        anthropic.enqueue({
          kind: "json",
          status: 401,
          body: anthropicError("authentication_error", "invalid x-api-key"),
        });
        return send("POST", "/v1/messages", { body: { ...message, model: "translated" } });
      },
      expect: (response) => {
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({
          type: "error",
          error: { type: "authentication_error", message: "invalid x-api-key" },
        });
      },
    },
    {
      what: "the provider's 403, translated",
      send: () => {
        openai.enqueue({ kind: "json", status: 403, body: openAIError("Project does not have access.") });
        return send("POST", "/v1/messages", { body: { ...message, model: "relayed" } });
      },
      expect: (response) => {
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({
          error: { type: "permission_error", message: "Project does not have access." },
        });
      },
    },
  ],
  "502": [
    {
      what: "an unreachable provider",
      send: () => send("POST", "/v1/messages", { body: { ...message, model: "unreachable" } }),
    },
  ],
  "503": [
    {
      what: "a route at its max_in_flight",
      send: () => overLimit("/v1/messages", { ...message, model: "limited" }),
      expect: (response) => expect(response.body).toMatchObject({ error: { type: "overloaded_error" } }),
    },
  ],
  "504": [
    {
      what: "a provider slower than the route's timeout",
      send: () => {
        openai.enqueue({ kind: "hang" });
        return send("POST", "/v1/messages", { body: { ...message, model: "slow" } });
      },
    },
  ],
};

const statusCell = (row: DocumentedError) => (row.status === "upstream" ? "upstream's" : String(row.status));

/** The rows of the error table that follows `**Errors**` in a docs page. */
function documentedTable(page: string): { status: string; when: string }[] {
  const text = readFileSync(new URL(`../../docs/${page}`, import.meta.url), "utf8");
  const start = text.indexOf("**Errors**");
  expect(start, `${page} has no **Errors** table`).toBeGreaterThan(-1);
  const lines = text.slice(start).split("\n").slice(1);
  const table = lines.slice(lines.findIndex((line) => line.startsWith("|")));
  const rows = table.slice(
    0,
    table.findIndex((line) => !line.startsWith("|")),
  );
  return rows.slice(2).map((line) => {
    const [, status = "", when = ""] = line.split("|").map((cell) => cell.trim());
    return { status, when };
  });
}

/** The table as it should read, for the failure message: paste it into the page. */
function renderTable(rows: readonly DocumentedError[]): string {
  return [
    "| status | when |",
    "| --- | --- |",
    ...rows.map((row) => `| ${statusCell(row)} | ${row.when} |`),
  ].join("\n");
}

const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });

describe.each([
  { api: "MLflow", page: "mlflow-api.md", format: mlflowErrorFormat, probes: MLFLOW_PROBES },
  { api: "OpenAI", page: "openai-api.md", format: openAIErrorFormat, probes: OPENAI_PROBES },
  {
    api: "Anthropic Messages",
    page: "agent-apis.md",
    format: anthropicErrorFormat,
    probes: ANTHROPIC_PROBES,
  },
])(
  "the $api API's errors",
  ({ page, format, probes }: { page: string; format: ErrorFormat; probes: Probes }) => {
    // The envelope plus `request_id`, as the OpenAPI document says: every error carries the request's id.
    const validBody = ajv.compile(errorSchema(format));

    it(`are the table in docs/${page}`, () => {
      const expected = format.documentedErrors.map((row) => ({ status: statusCell(row), when: row.when }));
      expect(
        documentedTable(page),
        `docs/${page} should read:\n${renderTable(format.documentedErrors)}`,
      ).toEqual(expected);
    });

    it("are each checked by a request below (and nothing undocumented is)", () => {
      expect(Object.keys(probes).sort()).toEqual(format.documentedErrors.map(statusCell).sort());
    });

    it.each(format.documentedErrors.map((row) => ({ row, status: statusCell(row) })))(
      "answers $status ($row.when) in the API's format",
      async ({ status }) => {
        for (const probe of probes[status] ?? []) {
          const response = await probe.send();
          if (status !== "upstream's") expect(response.status, probe.what).toBe(Number(status));
          expect(response.headers["content-type"], probe.what).toMatch(/^application\/json/);
          expect(validBody(response.body), `${probe.what}: ${response.text}`).toBe(true);
          expect((response.body as { request_id: string }).request_id, probe.what).toBe(
            response.headers["x-request-id"],
          );
          expect(response.text, probe.what).not.toMatch(/FST_|statusCode|stack|\/srv\//);
          probe.expect?.(response);
        }
      },
      15_000,
    );
  },
);

describe("the default error format", () => {
  it("answers a request whose path never arrived (headers too slow) in MLflow's format", async () => {
    const response = await sendRaw(gateway.url, "GET /v1/models HTTP/1.1\r\nhost: gateway\r\nx-slow: ");
    expect(response.status).toBe(408);
    expect(response.body).toMatchObject({ detail: expect.stringContaining("Request Timeout") });
  });
});

describe("a gateway that is shutting down", () => {
  it("refuses a request that arrives meanwhile with 503 in the API's format, and finishes the one in flight", async () => {
    const closing = await startGateway(
      "routes:\n  - { name: slow, type: llm/v1/chat, model: { provider: mock, name: mock-echo, config: { latency_ms: 1500 } } }\n",
    );
    const { port } = new URL(closing.url);
    const socket = connect(Number(port), "127.0.0.1");
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
    });
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    const body = JSON.stringify(chat);
    socket.write(
      requestHead("POST", "/gateway/slow/invocations", { ...json, connection: "keep-alive" }, body) + body,
    );
    await vi.waitFor(
      async () =>
        expect((await closing.get("/metrics")).text).toContain(
          'switchyard_requests_in_flight{route="slow"} 1',
        ),
      { timeout: 5000 },
    );
    const closed = closing.close();
    // Pipelined on the same connection: it arrives after shutdown began.
    socket.write(requestHead("GET", "/v1/models", { connection: "keep-alive" }));
    await closed;
    await ended;
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toEqual(["200", "503"]);
    const refusal = JSON.parse(received.slice(received.lastIndexOf("\r\n\r\n") + 4)) as unknown;
    expect(ajv.compile(errorSchema(openAIErrorFormat))(refusal)).toBe(true);
    expect(refusal).toMatchObject({ error: { code: "shutting_down" } });
  }, 15_000);
});

describe("a wrong method", () => {
  // Every path the gateway serves (aliases included), with the methods it accepts.
  const PATHS: [string, string][] = [
    ["/", "GET, HEAD"],
    ["/health", "GET, HEAD"],
    ["/ready", "GET, HEAD"],
    ["/metrics", "GET, HEAD"],
    ["/openapi.json", "GET, HEAD"],
    ["/docs", "GET, HEAD"],
    ["/api/2.0/gateway/routes", "GET, HEAD"],
    ["/api/2.0/gateway/routes/", "GET, HEAD"],
    ["/gateway/routes", "GET, HEAD"],
    ["/routes", "GET, HEAD"],
    ["/api/2.0/gateway/routes/chat", "GET, HEAD"],
    ["/gateway/routes/chat", "GET, HEAD, POST"],
    ["/routes/chat", "GET, HEAD"],
    ["/gateway/chat/invocations", "POST"],
    ["/query/chat", "POST"],
    ["/api/2.0/gateway/limits/chat", "GET, HEAD"],
    ["/api/2.0/gateway/limits", "POST"],
    ["/api/2.0/endpoints", "GET, HEAD"],
    ["/api/2.0/endpoints/chat", "GET, HEAD"],
    ["/endpoints/chat/invocations", "POST"],
    ["/v1/chat/completions", "POST"],
    ["/v1/completions", "POST"],
    ["/v1/embeddings", "POST"],
    ["/v1/models", "GET, HEAD"],
    ["/v1/models/chat", "GET, HEAD"],
    ["/v1/responses", "POST"],
    ["/v1/responses/resp_1", "GET, HEAD, DELETE"],
    ["/v1/messages", "POST"],
    ["/v1/messages/count_tokens", "POST"],
  ];

  it.each(PATHS)("on %s is a 405 with Allow: %s, in the path's API format", async (path, allowed) => {
    const wrong = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter(
      (method) => !allowed.includes(method),
    );
    const format = path.startsWith("/v1/messages")
      ? anthropicErrorFormat
      : path.startsWith("/v1/")
        ? openAIErrorFormat
        : mlflowErrorFormat;
    const validBody = ajv.compile(errorSchema(format));
    for (const method of wrong) {
      const response = await send(method, path, method === "GET" || method === "OPTIONS" ? {} : { body: {} });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.allow, `${method} ${path}`).toBe(allowed);
      expect(validBody(response.body), `${method} ${path}: ${response.text}`).toBe(true);
    }
  });
});
