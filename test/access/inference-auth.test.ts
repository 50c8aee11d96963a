import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AccessGateway,
  bearer,
  CHAT,
  governanceYaml,
  MASTER_KEY,
  MLFLOW_CHAT,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "./access-gateway.js";

let gateway: AccessGateway;
let key: string;
let keyId: string;

beforeAll(async () => {
  gateway = await startAccessGateway((directory) => routesYaml() + governanceYaml(directory));
  ({ key, id: keyId } = await gateway.createKey({ alias: "inference-tests" }));
});
afterAll(async () => {
  await gateway.close();
  removeDirectory(gateway.directory);
});

/** Every inference ingress, with a valid request body and the error format it answers in. */
type ErrorFormatName = "openai" | "mlflow" | "anthropic";

const INGRESSES: { name: string; path: string; body: unknown; format: ErrorFormatName }[] = [
  { name: "OpenAI chat", path: "/v1/chat/completions", body: CHAT, format: "openai" },
  {
    name: "OpenAI completions",
    path: "/v1/completions",
    body: { model: "complete", prompt: "hi" },
    format: "openai",
  },
  {
    name: "OpenAI embeddings",
    path: "/v1/embeddings",
    body: { model: "embed", input: "hi" },
    format: "openai",
  },
  { name: "OpenAI models", path: "/v1/models", body: undefined, format: "openai" },
  {
    name: "OpenAI Responses",
    path: "/v1/responses",
    body: { model: "chat", input: "hi" },
    format: "openai",
  },
  {
    name: "Anthropic Messages",
    path: "/v1/messages",
    body: { model: "chat", max_tokens: 16, messages: [{ role: "user", content: "hi" }] },
    format: "anthropic",
  },
  { name: "MLflow invocations", path: "/gateway/chat/invocations", body: MLFLOW_CHAT, format: "mlflow" },
  { name: "MLflow route alias", path: "/gateway/routes/chat", body: MLFLOW_CHAT, format: "mlflow" },
  { name: "MLflow query alias", path: "/query/chat", body: MLFLOW_CHAT, format: "mlflow" },
  { name: "MLflow deployments", path: "/endpoints/chat/invocations", body: MLFLOW_CHAT, format: "mlflow" },
  { name: "MLflow route list", path: "/api/2.0/gateway/routes/", body: undefined, format: "mlflow" },
  { name: "MLflow endpoint list", path: "/api/2.0/endpoints", body: undefined, format: "mlflow" },
];

function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  return gateway.request(body === undefined ? "GET" : "POST", path, {
    ...(body === undefined ? {} : { body }),
    headers,
  });
}

function errorMessage(format: ErrorFormatName, body: unknown): string {
  if (format === "mlflow") return (body as { detail: string }).detail;
  if (format === "anthropic") {
    const anthropic = body as { type: string; error: { type: string; message: string } };
    expect(anthropic.type).toBe("error");
    expect(anthropic.error.type).toBe("authentication_error");
    return anthropic.error.message;
  }
  const error = (body as { error: { message: string; type: string; code: string } }).error;
  expect(error.type).toBe("invalid_request_error");
  return error.message;
}

describe.each(INGRESSES)("$name ($path) with keys required", ({ path, body, format }) => {
  it("refuses a call without a key with 401 in its own error format, before reading the body", async () => {
    const answer = await call(path, body);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="switchyard"');
    expect(errorMessage(format, answer.body)).toMatch(/^Missing gateway key/);
    // Every error body names the request, as the response's x-request-id header does.
    expect((answer.body as { request_id?: unknown }).request_id).toBe(answer.headers.get("x-request-id"));
    if (format === "openai")
      expect((answer.body as { error: { code: string } }).error.code).toBe("missing_api_key");
    if (body !== undefined) {
      // An unparseable body would be a 400: the key is checked first.
      const response = await fetch(`${gateway.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect(response.status).toBe(401);
    }
  });

  it("refuses malformed, unknown and made-up keys with 401", async () => {
    const tampered = `${key.slice(0, -1)}${key.endsWith("a") ? "b" : "a"}`;
    for (const [credential, message] of [
      [tampered, /checksum does not match/],
      ["sk-proj-not-a-gateway-key", /not a gateway key/],
      [MASTER_KEY, /master key opens the admin API only/],
    ] as const) {
      const answer = await call(path, body, bearer(credential));
      expect(answer.status, credential).toBe(401);
      expect(errorMessage(format, answer.body)).toMatch(message);
    }
  });

  it("serves a call with the key in Authorization, x-api-key or api-key", async () => {
    for (const headers of [bearer(key), { "x-api-key": key }, { "api-key": key }]) {
      const answer = await call(path, body, headers);
      expect(answer.status, JSON.stringify(Object.keys(headers))).toBe(200);
    }
  });
});

describe("keys on the request path", () => {
  it("names an unknown key by its public id only", async () => {
    const other = await startAccessGateway((directory) => routesYaml() + governanceYaml(directory));
    try {
      const { key: foreign, id } = await other.createKey();
      const answer = await call("/v1/chat/completions", CHAT, bearer(foreign));
      expect(answer.status).toBe(401);
      expect(errorMessage("openai", answer.body)).toBe(
        `Unknown gateway key sk-sy-${id}-…: no key with this id exists on this gateway.`,
      );
      expect(answer.text).not.toContain(foreign);
    } finally {
      await other.close();
      removeDirectory(other.directory);
    }
  });

  it("writes the key's public id, never the key, in the access-log line of the request", async () => {
    const requestId = "access-log-key-id-1";
    const answer = await call("/v1/chat/completions", CHAT, { ...bearer(key), "x-request-id": requestId });
    expect(answer.status).toBe(200);
    let line: Record<string, unknown> | undefined;
    for (let tries = 0; tries < 200 && line === undefined; tries++) {
      line = gateway
        .logs()
        .split("\n")
        .filter((text) => text.startsWith("{"))
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.msg === "request" && entry.request_id === requestId);
      if (line === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(line?.key_id).toBe(keyId);
    expect(gateway.logs()).not.toContain(key);
  });

  it("works with the OpenAI SDK unchanged", async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "hello sdk" }],
    });
    expect(completion.choices[0]?.message.content).toContain("hello sdk");
    const refused = new OpenAI({ apiKey: "sk-sy-wrong", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await expect(refused.models.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
  });

  it("works with the Azure OpenAI client, which sends the key as api-key", async () => {
    // The Azure client puts chat calls under /deployments/{name}; its model list keeps the path, so it reaches
    // the gateway's /v1/models with the key in `api-key` (and an api-version the gateway ignores).
    const azure = new AzureOpenAI({
      apiKey: key,
      baseURL: `${gateway.url}/v1`,
      apiVersion: "2024-10-21",
      maxRetries: 0,
    });
    const models = await azure.models.list();
    expect(models.data.map((model) => model.id)).toContain("chat");
    const refused = new AzureOpenAI({
      apiKey: `${key.slice(0, -1)}${key.endsWith("a") ? "b" : "a"}`,
      baseURL: `${gateway.url}/v1`,
      apiVersion: "2024-10-21",
      maxRetries: 0,
    });
    await expect(refused.models.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
  });

  it("refuses revoked, disabled and expired keys, and deleted ones", async () => {
    const revoked = await gateway.createKey();
    expect((await gateway.admin("POST", `/keys/${revoked.id}/revoke`)).status).toBe(200);
    const disabled = await gateway.createKey();
    expect((await gateway.admin("PATCH", `/keys/${disabled.id}`, { status: "disabled" })).status).toBe(200);
    const deleted = await gateway.createKey();
    expect((await gateway.admin("DELETE", `/keys/${deleted.id}`)).status).toBe(200);
    for (const [credential, message] of [
      [revoked.key, /was revoked \(at 20/],
      [disabled.key, /is disabled/],
      [deleted.key, /was deleted/],
    ] as const) {
      const answer = await call("/gateway/chat/invocations", MLFLOW_CHAT, bearer(credential));
      expect(answer.status).toBe(401);
      expect(errorMessage("mlflow", answer.body)).toMatch(message);
    }
    expect((await gateway.admin("PATCH", `/keys/${disabled.id}`, { status: "active" })).status).toBe(200);
    expect((await call("/gateway/chat/invocations", MLFLOW_CHAT, bearer(disabled.key))).status).toBe(200);
  });

  it("refuses a key past its expiry", async () => {
    const soon = new Date(Date.now() + 1500).toISOString();
    const expiring = await gateway.createKey({ expires_at: soon });
    expect((await call("/v1/chat/completions", CHAT, bearer(expiring.key))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const answer = await call("/v1/chat/completions", CHAT, bearer(expiring.key));
    expect(answer.status).toBe(401);
    expect(errorMessage("openai", answer.body)).toMatch(/expired at 20/);
  });

  it("answers 403 naming the scope when a key calls a route or model outside it, and lists only what it may use", async () => {
    const scoped = await gateway.createKey({ routes: ["chat-*"] });
    const outside = await call("/v1/chat/completions", CHAT, bearer(scoped.key));
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({
      error: { code: "key_not_allowed", type: "invalid_request_error" },
    });
    expect(errorMessage("openai", outside.body)).toMatch(
      /may not call route 'chat': it is outside the key's routes scope \(chat-\*\)/,
    );
    const mlflow = await call("/gateway/chat/invocations", MLFLOW_CHAT, bearer(scoped.key));
    expect(mlflow.status).toBe(403);
    expect(errorMessage("mlflow", mlflow.body)).toMatch(/routes scope/);
    expect(
      (await call("/v1/chat/completions", { ...CHAT, model: "chat-b" }, bearer(scoped.key))).status,
    ).toBe(200);
    const models = await call("/v1/models", undefined, bearer(scoped.key));
    expect((models.body as { data: { id: string }[] }).data.map((model) => model.id)).toEqual(["chat-b"]);
    expect((await call("/v1/models/chat", undefined, bearer(scoped.key))).status).toBe(403);

    const byModel = await gateway.createKey({ models: ["mock-embed"] });
    const chat = await call("/endpoints/chat/invocations", MLFLOW_CHAT, bearer(byModel.key));
    expect(chat.status).toBe(403);
    expect(errorMessage("mlflow", chat.body)).toMatch(
      /can reach model 'mock-echo', outside the key's models scope \(mock-embed\)/,
    );
    expect((await call("/v1/embeddings", { model: "embed", input: "x" }, bearer(byModel.key))).status).toBe(
      200,
    );
  });

  it("lets a key read its own record at /v1/me, without any secret", async () => {
    const answer = await call("/v1/me", undefined, bearer(key));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: keyId,
      alias: "inference-tests",
      status: "active",
      key_hint: `sk-sy-${keyId}-…`,
    });
    expect(answer.text).not.toContain(key);
    expect(answer.text).not.toContain("hmac:v1:");
    expect((await call("/v1/me", undefined)).status).toBe(401);
    expect((await call("/v1/me", undefined, bearer(MASTER_KEY))).status).toBe(401);
  });

  it("keeps /health open", async () => {
    const answer = await call("/health", undefined);
    expect(answer.status).toBe(200);
  });
});

describe("an open gateway (auth.required unset)", () => {
  let open: AccessGateway;
  beforeAll(async () => {
    open = await startAccessGateway(
      (directory) => routesYaml() + governanceYaml(directory, "", "required: false"),
    );
  });
  afterAll(async () => {
    await open.close();
    removeDirectory(open.directory);
  });

  it("serves calls without a key or with another kind of key, as before keys existed", async () => {
    expect((await open.request("POST", "/v1/chat/completions", { body: CHAT })).status).toBe(200);
    const foreign = await open.request("POST", "/gateway/chat/invocations", {
      body: MLFLOW_CHAT,
      headers: bearer("sk-proj-someone-elses-openai-key"),
    });
    expect(foreign.status).toBe(200);
  });

  it("still checks a gateway key that is presented, so scopes can be rolled out before keys are required", async () => {
    const { key: valid } = await open.createKey({ routes: ["chat-b"] });
    const bad = await open.request("POST", "/v1/chat/completions", {
      body: CHAT,
      headers: bearer(`${valid}x`),
    });
    expect(bad.status).toBe(401);
    const scoped = await open.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(valid) });
    expect(scoped.status).toBe(403);
  });
});
