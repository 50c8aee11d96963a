import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { compatibleStreamFrames, type MockUpstream } from "../mock-upstream/index.js";
import { COMPATIBLE_ROWS } from "./compatible/rows.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * Every OpenAI-compatible provider's key is one of the gateway's secrets: sent to its upstream, and redacted from
 * whatever comes back (an error message, a relayed stream) on every API. The key names are the documented ones
 * (docs/providers.md), written here rather than read from the providers.
 */
const SECRET_KEY_OF: Record<string, string> = {
  mistral: "mistral_api_key",
  groq: "groq_api_key",
  togetherai: "togetherai_api_key",
  fireworks: "fireworks_api_key",
  deepseek: "deepseek_api_key",
  xai: "xai_api_key",
  openrouter: "openrouter_api_key",
  ai21labs: "ai21labs_api_key",
  databricks: "token",
  vllm: "vllm_api_key",
  ollama: "ollama_api_key",
  lmstudio: "lmstudio_api_key",
  llamacpp: "llamacpp_api_key",
  "huggingface-text-generation-inference": "hf_api_key",
  "openai-compatible": "api_key",
};

/** A distinct key per provider, long enough for the config to accept. */
const keyOf = (index: number) => `sk-compat-${index}-Zq8Wv3Xr7Ty1`;

const mocks = new Map<string, MockUpstream>();
let gateway: GatewayUnderTest;

beforeAll(async () => {
  const env: Record<string, string> = {};
  let routes = "";
  for (const [index, row] of COMPATIBLE_ROWS.entries()) {
    const field = SECRET_KEY_OF[row.base.provider];
    if (field === undefined) throw new Error(`no documented key for ${row.base.provider}`);
    const mock = await row.base.startMock?.();
    if (mock === undefined) throw new Error(`no mock for ${row.base.label}`);
    mocks.set(row.base.label, mock);
    env[`KEY_${index}`] = keyOf(index);
    const config = { ...row.base.config(mock.url), [field]: `$KEY_${index}` };
    routes += routeYaml(`chat-${row.base.label}`, "llm/v1/chat", row.base.provider, row.base.model, config);
    routes += "    retries: { max_attempts: 1 }\n";
  }
  gateway = await startGateway(`routes:\n${routes}`, env);
});
afterAll(async () => {
  await gateway?.close();
  for (const mock of mocks.values()) await mock.close();
});
beforeEach(() => {
  for (const mock of mocks.values()) mock.reset();
});

const messages = [{ role: "user", content: "hi" }];

for (const [index, row] of COMPATIBLE_ROWS.entries()) {
  const key = keyOf(index);
  const route = `chat-${row.base.label}`;
  const mock = () => mocks.get(row.base.label) as MockUpstream;

  describe(`the ${SECRET_KEY_OF[row.base.provider]} of a ${row.base.label} route`, () => {
    it("goes to the upstream as a bearer token", async () => {
      // A keyless server's mock refuses credentials (it was told it has no key): only what it received matters.
      await gateway.post("/v1/chat/completions", { model: route, messages });
      expect(mock().requests.at(-1)?.headers.authorization).toBe(`Bearer ${key}`);
    });

    it("is redacted from an upstream error that echoes it, on the OpenAI and MLflow APIs", async () => {
      const error = () => ({
        kind: "json" as const,
        status: 401,
        body: row.profile.errorBody(401, `Incorrect API key provided: ${key}.`, "invalid_api_key"),
      });
      mock().enqueue(error(), error());
      const openai = await gateway.post("/v1/chat/completions", { model: route, messages });
      const mlflow = await gateway.post(`/gateway/${route}/invocations`, { messages });
      for (const answer of [openai, mlflow]) {
        expect(answer.status).toBe(401);
        expect(answer.text).toContain("[REDACTED]");
        expect(answer.text).not.toContain(key);
      }
      expect(gateway.logs()).not.toContain(key);
    });

    it("is redacted from a relayed stream whose content echoes it", async () => {
      mock().enqueue({
        kind: "stream",
        frames: compatibleStreamFrames(row.profile, { text: `Your key is ${key}, isn't it?` }),
      });
      const answer = await gateway.post("/v1/chat/completions", { model: route, messages, stream: true });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain("[REDACTED]");
      expect(answer.text).not.toContain(key);
    });
  });
}
