import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import {
  type AccessGateway,
  bearer,
  CHAT,
  ENV,
  governanceYaml,
  MASTER_KEY,
  MLFLOW_CHAT,
  PEPPER,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "./access-gateway.js";

const PROVIDER_KEY = "sk-provider-SECRET-7d1e9b3a5c";
let upstream: MockUpstream;
let gateway: AccessGateway;
const gatewayKeys: string[] = [];

beforeAll(async () => {
  upstream = await startOpenAIMock();
  gateway = await startAccessGateway(
    (directory) =>
      `${routesYaml()}  - name: relay
    type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4o-mini
      config: { openai_api_key: $PROVIDER_KEY, openai_api_base: "${upstream.url}/v1" }
${governanceYaml(directory, "", "required: true\n    surfaces: { metrics: key, docs: key, openapi: key }")}`,
    { ...ENV, PROVIDER_KEY },
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  removeDirectory(gateway.directory);
});

describe("no secret leaves the gateway", () => {
  it("sends no gateway key, master key, pepper or provider key in any response, log line, metric, audit entry or OpenAPI document", async () => {
    const created = await gateway.createKey({ alias: "scan" });
    gatewayKeys.push(created.key);
    const rotated = (await gateway.admin("POST", `/keys/${created.id}/rotate`, { grace_seconds: 60 }))
      .body as { key: string };
    gatewayKeys.push(rotated.key);
    const { key: revoked, id: revokedId } = await gateway.createKey();
    gatewayKeys.push(revoked);
    await gateway.admin("POST", `/keys/${revokedId}/revoke`);
    const key = rotated.key;
    const createdUpTo = gateway.sent().length;

    // Successes and every kind of failure, on every surface, with every secret as a credential somewhere.
    await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(key) });
    await gateway.request("POST", "/v1/chat/completions", {
      body: { ...CHAT, model: "relay" },
      headers: bearer(key),
    });
    await gateway.request("POST", "/gateway/relay/invocations", {
      body: MLFLOW_CHAT,
      headers: { "x-api-key": key },
    });
    for (const credential of [
      revoked,
      `${key}x`,
      MASTER_KEY,
      PEPPER,
      PROVIDER_KEY,
      created.key.slice(0, -3),
    ]) {
      await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(credential) });
      await gateway.request("POST", "/gateway/chat/invocations", {
        body: MLFLOW_CHAT,
        headers: { "api-key": credential },
      });
      await gateway.request("GET", "/admin/v1/keys", { headers: bearer(credential) });
      await gateway.request("GET", "/metrics", { headers: bearer(credential) });
    }
    await gateway.request("GET", "/v1/me", { headers: bearer(key) });
    const sdk = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await sdk.chat.completions.create({ model: "relay", messages: [{ role: "user", content: "hi" }] });

    const surfaces = [
      await gateway.admin("GET", "/keys?limit=1000"),
      await gateway.admin("GET", "/keys?status=revoked"),
      await gateway.admin("GET", "/audit?limit=500"),
      await gateway.request("GET", "/metrics", { headers: bearer(MASTER_KEY) }),
      await gateway.request("GET", "/openapi.json", { headers: bearer(MASTER_KEY) }),
      await gateway.request("GET", "/docs/json", { headers: bearer(MASTER_KEY) }),
    ];
    expect(surfaces.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const audit = surfaces[2]?.text ?? "";
    expect(audit).toContain("key.rotate");

    // The create and rotate answers are the one place a key is shown (once each); everything after is scanned.
    for (const shown of gatewayKeys) expect(gateway.sent().split(shown)).toHaveLength(2);
    const everything = `${gateway.sent().slice(createdUpTo)}\n${gateway.logs()}`;
    for (const secret of [...gatewayKeys, MASTER_KEY, PEPPER, PROVIDER_KEY])
      expect(everything.includes(secret), `a secret of ${secret.length} characters was found`).toBe(false);
    // The secret part of a key, on its own, never appears either.
    for (const key of gatewayKeys) expect(everything).not.toContain(key.slice(-49));
    expect(everything).not.toContain("hmac:v1:");
    expect(gateway.logs()).toContain("audit: key.rotate");
  });

  it("redacts a gateway key, the master key and the pepper that an upstream echoes, in bodies, errors and streams", async () => {
    const { key } = await gateway.createKey({ alias: "echoed" });
    // A key this gateway never saw presented (another team's, another gateway's): redacted by its shape.
    const { key: unseen } = await gateway.createKey({ alias: "never-presented" });
    // A user pastes their own key into a prompt: the upstream (the mock echoes the prompt) sends it back.
    const prompt = `my key is ${key}, the master key ${MASTER_KEY}, the pepper ${PEPPER}, theirs ${unseen}`;
    const sdk = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const completion = await sdk.chat.completions.create({
      model: "relay",
      messages: [{ role: "user", content: prompt }],
    });
    const echoed = completion.choices[0]?.message.content ?? "";
    expect(echoed).toContain(
      "my key is [REDACTED], the master key [REDACTED], the pepper [REDACTED], theirs [REDACTED]",
    );

    const stream = await sdk.chat.completions.create({
      model: "relay",
      messages: [{ role: "user", content: prompt }],
      stream: true,
    });
    let streamed = "";
    for await (const chunk of stream) streamed += JSON.stringify(chunk);
    expect(streamed).toContain("[REDACTED]");
    expect(streamed).not.toContain(key);

    const mlflow = await gateway.request("POST", "/gateway/relay/invocations", {
      body: { messages: [{ role: "user", content: prompt }] },
      headers: { "api-key": key },
    });
    expect(mlflow.status).toBe(200);
    expect(mlflow.text).toContain("my key is [REDACTED]");

    // An upstream error message quoting the key it was (wrongly) given.
    upstream.enqueue({
      kind: "json",
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${key}.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
    const refused = await gateway.request("POST", "/v1/chat/completions", {
      body: { ...CHAT, model: "relay" },
      headers: bearer(key),
    });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("Incorrect API key provided: [REDACTED].");

    const everything = `${gateway.sent()}\n${streamed}\n${echoed}\n${gateway.logs()}`;
    // Shown once, when it was created; never again.
    expect(everything.split(key)).toHaveLength(2);
    expect(everything.split(unseen)).toHaveLength(2);
    for (const secret of [MASTER_KEY, PEPPER]) expect(everything).not.toContain(secret);
  });
});
