import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MockUpstream,
  parseSseText,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * The OpenAPI document the gateway serves describes the API it answers: it is valid OpenAPI 3.1; every
 * operation's request body has examples that work as they are (Swagger UI's "Try it out"); and real requests and
 * responses of every operation (captured from a running gateway against the mock provider and the provider mocks,
 * relayed and translated, streamed and not, errors included) validate against the document itself. No secret
 * is in it.
 */

const OPENAI_KEY = "sk-openapi-SECRET-4f3e2d1c0b";
const ANTHROPIC_KEY = "sk-ant-openapi-SECRET-9a8b7c";

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;
let document: OpenApiDocument;
let documentText: string;

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: object; example?: unknown }[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, object> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const openaiConfig = `{ openai_api_key: ${OPENAI_KEY}, openai_api_base: "${openai.url}/v1" }`;
  gateway = await startGateway(`routes:
  - { name: chat, type: llm/v1/chat, model: { provider: mock, name: mock-echo } }
  - { name: completions, type: llm/v1/completions, model: { provider: mock, name: mock-echo } }
  - { name: embeddings, type: llm/v1/embeddings, model: { provider: mock, name: mock-embed, config: { embedding_dimensions: 4 } } }
  - { name: relayed, type: llm/v1/chat, model: { provider: openai, name: gpt-4o-mini, config: ${openaiConfig} } }
  - { name: relayed-embeddings, type: llm/v1/embeddings, model: { provider: openai, name: text-embedding-3-small, config: ${openaiConfig} } }
  - name: translated
    type: llm/v1/chat
    model: { provider: anthropic, name: claude-3-5-haiku-latest, config: { anthropic_api_key: ${ANTHROPIC_KEY}, anthropic_api_base: "${anthropic.url}/v1" } }
`);
  const response = await fetch(`${gateway.url}/openapi.json`);
  documentText = await response.text();
  document = JSON.parse(documentText) as OpenApiDocument;
});
afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule.default;
const DOCUMENT_ID = "https://switchyard.test/openapi.json";
let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Validates against the schema at a JSON pointer of the served document. */
function validator(pointer: string[]): ValidateFunction {
  const path = pointer.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
  const existing = compiled.get(path);
  if (existing !== undefined) return existing;
  if (ajv === undefined) {
    ajv = new Ajv2020({ strict: false, allowUnionTypes: true, logger: false });
    addFormats(ajv);
    ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }
  const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${path}` });
  compiled.set(path, validate);
  return validate;
}

function expectValid(pointer: string[], value: unknown, what: string): void {
  const validate = validator(pointer);
  const valid = validate(value);
  expect(
    valid,
    `${what} does not match ${pointer.join(" ")}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`,
  ).toBe(true);
}

interface Exchange {
  /** `METHOD /path/{template}` as in the document. */
  operation: string;
  what: string;
  requestBody?: unknown;
  /** False for requests sent to provoke an error (their bodies break the schema on purpose). */
  validRequest: boolean;
  status: number;
  contentType: string;
  text: string;
}

const exchanges: Exchange[] = [];

/** Sends a request for an operation of the document and records the exchange for validation. */
async function send(
  method: string,
  template: string,
  options: {
    params?: Record<string, string>;
    query?: string;
    body?: unknown;
    what?: string;
    invalid?: boolean;
  } = {},
): Promise<Exchange> {
  let path = template;
  for (const [name, value] of Object.entries(options.params ?? {}))
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  const response = await fetch(`${gateway.url}${path}${options.query ?? ""}`, {
    method,
    ...(options.body !== undefined && {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options.body),
    }),
  });
  const exchange: Exchange = {
    operation: `${method} ${template}`,
    what: options.what ?? `${method} ${path}`,
    ...(options.body !== undefined && { requestBody: options.body }),
    validRequest: options.invalid !== true,
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text: await response.text(),
  };
  exchanges.push(exchange);
  return exchange;
}

const chat = [{ role: "user", content: "Describe a switchyard in five words" }];

/** Requests beyond the document's own examples: every provider kind, streams, pages, errors. */
async function sendRealTraffic(): Promise<void> {
  await send("GET", "/health");
  await send("GET", "/ready");
  await send("GET", "/metrics");
  await send("GET", "/api/2.0/gateway/routes", { query: "?max_results=2" });
  const page = JSON.parse(
    (await send("GET", "/api/2.0/gateway/routes", { query: "?max_results=2" })).text,
  ) as {
    next_page_token: string;
  };
  await send("GET", "/api/2.0/gateway/routes", {
    query: `?max_results=2&page_token=${page.next_page_token}`,
  });
  await send("GET", "/api/2.0/gateway/routes", { query: "?page_token=nonsense", what: "a bad page token" });
  for (const name of ["chat", "relayed", "translated", "nope"]) {
    await send("GET", "/api/2.0/gateway/routes/{name}", { params: { name } });
    await send("GET", "/api/2.0/endpoints/{name}", { params: { name } });
    await send("GET", "/v1/models/{model}", { params: { model: name } });
  }
  await send("GET", "/api/2.0/endpoints");
  for (const route of ["chat", "nope"])
    await send("GET", "/api/2.0/gateway/limits/{route}", { params: { route } });
  await send("POST", "/api/2.0/gateway/limits", {
    body: { route: "relayed", limits: [{ calls: 500, renewal_period: "minute" }] },
  });
  await send("GET", "/api/2.0/gateway/limits/{route}", { params: { route: "relayed" } });
  await send("POST", "/api/2.0/gateway/limits", {
    body: { route: "relayed", limits: [{ calls: -1, renewal_period: "minute" }] },
    invalid: true,
  });
  await send("GET", "/v1/models");
  for (const name of ["chat", "relayed", "translated"]) {
    await send("POST", "/gateway/{name}/invocations", {
      params: { name },
      body: { messages: chat, temperature: 0.5 },
    });
    await send("POST", "/endpoints/{name}/invocations", { params: { name }, body: { messages: chat } });
    await send("POST", "/endpoints/{name}/invocations", {
      params: { name },
      body: { messages: chat, stream: true },
    });
    await send("POST", "/v1/chat/completions", { body: { model: name, messages: chat, n: 2 } });
    await send("POST", "/v1/chat/completions", {
      body: { model: name, messages: chat, stream: true, stream_options: { include_usage: true } },
    });
  }
  await send("POST", "/gateway/{name}/invocations", {
    params: { name: "completions" },
    body: { prompt: "Once" },
  });
  await send("POST", "/gateway/{name}/invocations", {
    params: { name: "embeddings" },
    body: { texts: "one" },
  });
  await send("POST", "/gateway/{name}/invocations", {
    params: { name: "relayed-embeddings" },
    body: { text: ["a", "b"] },
  });
  await send("POST", "/v1/completions", { body: { model: "completions", prompt: "Once", stream: true } });
  await send("POST", "/endpoints/{name}/invocations", {
    params: { name: "completions" },
    body: { prompt: "Once", stream: true },
  });
  await send("POST", "/endpoints/{name}/invocations", {
    params: { name: "embeddings" },
    body: { input: "one" },
  });
  for (const model of ["embeddings", "relayed-embeddings"]) {
    await send("POST", "/v1/embeddings", { body: { model, input: ["one", "two"] } });
    await send("POST", "/v1/embeddings", { body: { model, input: "one", encoding_format: "base64" } });
  }
  // Errors, each in its API's format and documented for the operation.
  const invalid = { invalid: true };
  await send("POST", "/gateway/{name}/invocations", { params: { name: "nope" }, body: { messages: chat } });
  await send("POST", "/gateway/{name}/invocations", {
    params: { name: "chat" },
    body: { messages: [] },
    ...invalid,
  });
  await send("POST", "/gateway/{name}/invocations", {
    params: { name: "embeddings" },
    body: { text: "a", texts: "b" },
    ...invalid,
  });
  await send("POST", "/endpoints/{name}/invocations", {
    params: { name: "chat" },
    body: { model: "x", messages: chat },
    ...invalid,
  });
  await send("POST", "/v1/chat/completions", { body: { model: "chat", messages: "Hi" }, ...invalid });
  await send("POST", "/v1/chat/completions", { body: { model: "nope", messages: chat } });
  await send("POST", "/v1/embeddings", { body: { model: "chat", input: "x" } });
  await send("POST", "/v1/completions", { body: { model: "completions", prompt: [1, 2] }, ...invalid });
  await send("DELETE", "/v1/models", { what: "a wrong method" }).then((exchange) => {
    exchange.operation = "GET /v1/models";
  });
  await sendAgentTraffic();
}

/** The APIs coding agents speak, on the mock, relayed and translated, streamed and not, stored and errors. */
async function sendAgentTraffic(): Promise<void> {
  const messages = [{ role: "user", content: "Describe a switchyard in five words" }];
  for (const model of ["chat", "relayed", "translated"]) {
    await send("POST", "/v1/messages", { body: { model, max_tokens: 64, system: "Be terse.", messages } });
    await send("POST", "/v1/messages", { body: { model, max_tokens: 64, messages, stream: true } });
    await send("POST", "/v1/messages/count_tokens", { body: { model, messages } });
    await send("POST", "/v1/responses", { body: { model, input: "Hi", instructions: "Be terse." } });
    await send("POST", "/v1/responses", { body: { model, input: messages, stream: true, store: false } });
  }
  const stored = JSON.parse(
    (await send("POST", "/v1/responses", { body: { model: "translated", input: "Remember this" } })).text,
  ) as { id: string };
  await send("GET", "/v1/responses/{response_id}", { params: { response_id: stored.id } });
  await send("GET", "/v1/responses/{response_id}", {
    params: { response_id: stored.id },
    query: "?include[]=reasoning.encrypted_content",
  });
  await send("GET", "/v1/responses/{response_id}/input_items", {
    params: { response_id: stored.id },
    query: "?limit=1&order=asc",
  });
  await send("DELETE", "/v1/responses/{response_id}", { params: { response_id: stored.id } });
  await send("GET", "/v1/responses/{response_id}", { params: { response_id: stored.id } });
  await send("GET", "/v1/responses/{response_id}/input_items", { params: { response_id: stored.id } });
  await send("DELETE", "/v1/responses/{response_id}", { params: { response_id: "resp_unknown" } });
  const invalid = { invalid: true };
  await send("POST", "/v1/messages", { body: { model: "chat", messages }, ...invalid });
  await send("POST", "/v1/messages", { body: { model: "nope", max_tokens: 64, messages } });
  await send("POST", "/v1/messages", {
    body: { model: "chat", max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages },
    what: "thinking on the mock",
  });
  await send("POST", "/v1/messages/count_tokens", { body: { model: "chat" }, ...invalid });
  await send("POST", "/v1/responses", { body: { model: "chat" }, what: "no input" });
  await send("POST", "/v1/responses", {
    body: { model: "chat", input: "Hi", previous_response_id: "resp_x" },
  });
  await send("POST", "/v1/responses", { body: { model: "nope", input: "Hi" } });
}

/** Sends every example of every request body as Swagger UI's "Try it out" would, its key naming the route. */
async function sendDocumentExamples(): Promise<number> {
  let sent = 0;
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const examples = operation.requestBody?.content["application/json"]?.examples ?? {};
      for (const [key, example] of Object.entries(examples)) {
        const params = Object.fromEntries(
          (operation.parameters ?? [])
            .filter((p) => p.in === "path")
            .map((p) => [p.name, key.replace(/-stream$/, "")]),
        );
        const exchange = await send(method.toUpperCase(), template, {
          params,
          body: example.value,
          what: `example '${key}'`,
        });
        expect(exchange.status, `${method} ${template} example '${key}': ${exchange.text}`).toBe(200);
        sent++;
      }
    }
  }
  return sent;
}

function operationOf(exchange: Exchange): { template: string; method: string; operation: Operation } {
  const [method = "", template = ""] = exchange.operation.split(" ");
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`the document has no operation ${exchange.operation}`);
  return { template, method: method.toLowerCase(), operation };
}

function validateExchange(exchange: Exchange): void {
  const { template, method, operation } = operationOf(exchange);
  const base = ["paths", template, method];
  if (exchange.requestBody !== undefined && exchange.validRequest) {
    expect(operation.requestBody, `${exchange.operation} documents no request body`).toBeDefined();
    expectValid(
      [...base, "requestBody", "content", "application/json", "schema"],
      exchange.requestBody,
      `${exchange.what}: request`,
    );
  }
  const status = String(exchange.status);
  const key = status in operation.responses ? status : "default";
  const response = operation.responses[key];
  expect(
    response,
    `${exchange.what}: status ${status} is not documented for ${exchange.operation}`,
  ).toBeDefined();
  if (key === "default")
    expect(
      exchange.status,
      `${exchange.what}: only a provider's error may be undocumented`,
    ).toBeGreaterThanOrEqual(400);
  const mediaType = exchange.contentType.split(";")[0]?.trim() ?? "";
  const media = response?.content?.[mediaType] as { "x-item-schema"?: object } | undefined;
  expect(
    media,
    `${exchange.what}: ${mediaType} is not documented for ${status} of ${exchange.operation}`,
  ).toBeDefined();
  const pointer = [...base, "responses", key, "content", mediaType];
  if (mediaType === "application/json") {
    expectValid([...pointer, "schema"], JSON.parse(exchange.text), `${exchange.what}: ${status} response`);
  } else if (mediaType === "text/event-stream") {
    const frames = parseSseText(exchange.text).filter((frame) => frame.data !== "[DONE]");
    expect(frames.length, exchange.what).toBeGreaterThan(0);
    for (const frame of frames)
      expectValid([...pointer, "x-item-schema"], JSON.parse(frame.data), `${exchange.what}: stream item`);
  } else {
    expectValid([...pointer, "schema"], exchange.text, `${exchange.what}: ${status} response`);
  }
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(document.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it("has every operation of the API, each with an id", () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId ?? "?"}`,
      ),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /health health",
        "GET /ready ready",
        "GET /metrics metrics",
        "GET /api/2.0/gateway/routes listRoutes",
        "GET /api/2.0/gateway/routes/{name} getRoute",
        "POST /gateway/{name}/invocations queryRoute",
        "GET /api/2.0/endpoints listEndpoints",
        "GET /api/2.0/gateway/limits/{route} getLimits",
        "POST /api/2.0/gateway/limits setLimits",
        "GET /api/2.0/endpoints/{name} getEndpoint",
        "POST /endpoints/{name}/invocations queryEndpoint",
        "POST /v1/chat/completions createChatCompletion",
        "POST /v1/completions createCompletion",
        "POST /v1/embeddings createEmbedding",
        "GET /v1/models listModels",
        "GET /v1/models/{model} retrieveModel",
        "POST /v1/messages createMessage",
        "POST /v1/messages/count_tokens countMessageTokens",
        "POST /v1/responses createResponse",
        "GET /v1/responses/{response_id} getResponse",
        "DELETE /v1/responses/{response_id} deleteResponse",
        "GET /v1/responses/{response_id}/input_items listInputItems",
      ].sort(),
    );
  });

  it("documents the headers the usage log reads (end user, tags) on every operation that calls a route", () => {
    const inference = [
      "POST /gateway/{name}/invocations",
      "POST /endpoints/{name}/invocations",
      "POST /v1/chat/completions",
      "POST /v1/completions",
      "POST /v1/embeddings",
      "POST /v1/messages",
      "POST /v1/messages/count_tokens",
      "POST /v1/responses",
    ];
    for (const operation of inference) {
      const [method = "", path = ""] = operation.split(" ");
      const headers = (document.paths[path]?.[method.toLowerCase()]?.parameters ?? [])
        .filter((parameter) => parameter.in === "header")
        .map((parameter) => parameter.name);
      expect(headers, operation).toEqual(["x-switchyard-end-user", "x-switchyard-tags"]);
    }
  });

  it("gives every request body examples that work as they are (Try it out)", async () => {
    const withBodies = Object.values(document.paths)
      .flatMap((methods) => Object.values(methods))
      .filter((operation) => operation.requestBody !== undefined);
    expect(withBodies).toHaveLength(9);
    for (const operation of withBodies) {
      expect(
        Object.keys(operation.requestBody?.content["application/json"]?.examples ?? {}).length,
      ).toBeGreaterThan(0);
    }
    expect(await sendDocumentExamples()).toBeGreaterThanOrEqual(15);
  });

  it("describes every real request and response of every operation", async () => {
    await sendRealTraffic();
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const operation of operations) {
      const answered = exchanges.filter(
        (exchange) => exchange.operation === operation && exchange.status < 300,
      );
      expect(answered.length, `no successful exchange of ${operation}`).toBeGreaterThan(0);
    }
    const statuses = new Set(exchanges.map((exchange) => exchange.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 404, 405, 422]));
    for (const exchange of exchanges) validateExchange(exchange);
    expect(exchanges.some((exchange) => exchange.contentType.startsWith("text/event-stream"))).toBe(true);
  });

  it("rejects what the gateway rejects: a chat body without messages, embeddings with both or neither text", () => {
    const pointer = [
      "paths",
      "/gateway/{name}/invocations",
      "post",
      "requestBody",
      "content",
      "application/json",
      "schema",
    ];
    const valid = (body: unknown) => validator(pointer)(body);
    expect(valid({ messages: [{ role: "user", content: "Hi" }] })).toBe(true);
    expect(valid({ prompt: "Hi" })).toBe(true);
    expect(valid({ text: "Hi" })).toBe(true);
    expect(valid({ texts: ["a", "b"] })).toBe(true);
    expect(valid({ text: "a", texts: "b" })).toBe(false);
    expect(valid({})).toBe(false);
    expect(valid({ messages: [{ role: "user", content: "Hi" }], model: "gpt-4o" })).toBe(false);
    const embeddings = ["components", "schemas", "MlflowEmbeddingsRequest"];
    expect(validator(embeddings)({ extra: 1 })).toBe(false);
  });

  it("contains no secret and no provider setting", () => {
    expect(documentText).not.toContain(OPENAI_KEY);
    expect(documentText).not.toContain(ANTHROPIC_KEY);
    expect(documentText).not.toContain(openai.url);
    expect(documentText).not.toContain(anthropic.url);
    // Provider settings (`openai_api_key`, `api_base`); the 401 codes `missing_api_key` and `invalid_api_key` are API.
    expect(documentText.replace(/\b(missing|invalid)_api_key\b/g, "")).not.toMatch(/_api_key|api_base/);
  });
});
