import { describe, expect, it } from "vitest";
import { openaiCompatible } from "./openai-compatible.js";
import { findProvider, providerNames } from "./registry.js";
import type { HttpUpstreamTarget } from "./upstream-target.js";

/** The factory, through the providers declared on it: config schemas, credentials, and what a target relays. */

function target(provider: string, model: string, config: Record<string, unknown>): HttpUpstreamTarget {
  const definition = findProvider(provider);
  if (definition === undefined) throw new Error(`no provider ${provider}`);
  const created = definition.createTarget(model, definition.configSchema.parse(config));
  // The compatible providers build their targets synchronously.
  if (created instanceof Promise || created.transport !== "http") throw new Error("expected an HTTP target");
  return created;
}

describe("openaiCompatible providers", () => {
  it("registers MLflow's provider names and aliases", () => {
    for (const name of [
      "mistral",
      "togetherai",
      "ai21labs",
      "huggingface-text-generation-inference",
      "mlflow-model-serving",
      "databricks-model-serving",
      "HUGGINGFACE_TEXT_GENERATION_INFERENCE",
      "tgi",
      "together",
    ]) {
      expect(findProvider(name), name).toBeDefined();
    }
    expect(providerNames()).toEqual(
      expect.arrayContaining([
        "vllm",
        "ollama",
        "lmstudio",
        "llamacpp",
        "openai-compatible",
        "groq",
        "deepseek",
        "xai",
        "openrouter",
        "fireworks",
        "databricks",
      ]),
    );
  });

  it("needs no key for a self-hosted server, and then sends no credentials", () => {
    const vllm = target("vllm", "llama", { vllm_api_base: "http://gpu:8000/v1" });
    const call = vllm.operations.chat?.encodeRequest({
      messages: [{ role: "user", content: "Hi" }],
      extra: {},
    });
    expect(call?.headers).toEqual({ "content-type": "application/json" });
    expect(call?.path).toBe("/v1/chat/completions");
    expect(vllm.origin).toBe("http://gpu:8000");
  });

  it("sends a self-hosted server's key as a bearer token when one is set", () => {
    const vllm = target("vllm", "llama", { vllm_api_base: "http://gpu:8000/v1", vllm_api_key: "k" });
    expect(vllm.operations.chat?.passThrough?.({ model: "r", messages: [] })?.headers.authorization).toBe(
      "Bearer k",
    );
  });

  it.each([
    ["mistral", {}, "mistral_api_key"],
    ["vllm", {}, "vllm_api_base"],
    ["huggingface-text-generation-inference", {}, "hf_server_url"],
    ["databricks", { token: "t" }, "host"],
  ])("refuses a %s config without its required setting, naming it", (provider, config, key) => {
    const result = findProvider(provider)?.configSchema.safeParse(config);
    expect(result?.success).toBe(false);
    expect(result?.error?.issues.map((issue) => issue.path.join("."))).toContain(key);
  });

  it("refuses unknown config keys (a typo would otherwise be ignored)", () => {
    const result = findProvider("ollama")?.configSchema.safeParse({ ollama_api_bse: "http://x" });
    expect(result?.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["ollama_api_bse"] });
  });

  it("sends OpenRouter's attribution headers from config", () => {
    const openrouter = target("openrouter", "m", {
      openrouter_api_key: "k",
      openrouter_site_url: "https://example.com",
      openrouter_app_name: "App",
    });
    const call = openrouter.operations.chat?.passThrough?.({ model: "r", messages: [] });
    expect(call?.headers).toMatchObject({ "HTTP-Referer": "https://example.com", "X-Title": "App" });
  });

  it("sends the key in a header of its own when a declaration says so, and declares it a secret", () => {
    const declared = openaiCompatible({
      name: "header-auth",
      displayName: "Header Auth",
      docs: "https://example.com/api",
      config: {
        baseUrl: { key: "header_auth_api_base", default: "https://api.example.com/v1" },
        apiKey: { key: "header_auth_api_key", required: true },
      },
      auth: { header: "api-key" },
      chat: { path: "chat/completions" },
      completions: "through-chat",
    });
    expect(declared.secretFields).toEqual(["header_auth_api_key"]);
    const created = declared.createTarget(
      "m",
      declared.configSchema.parse({ header_auth_api_key: "key-1234" }),
    );
    // The compatible providers build their targets synchronously.
    if (created instanceof Promise || created.transport !== "http")
      throw new Error("expected an HTTP target");
    const call = created.operations.chat?.passThrough?.({ model: "r", messages: [] });
    expect(call?.headers).toEqual({ "content-type": "application/json", "api-key": "key-1234" });
    expect(call?.path).toBe("/v1/chat/completions");
  });

  describe("what a target relays as it is, and what it translates", () => {
    const together = target("togetherai", "m", { togetherai_api_key: "k" });
    const vllm = target("vllm", "m", { vllm_api_base: "http://gpu/v1" });
    const ollama = target("ollama", "m", {});

    it("translates several prompts for a server that takes one (routing sends one per prompt)", () => {
      expect(
        together.operations.completions?.passThrough?.({ model: "r", prompt: ["a", "b"] }),
      ).toBeUndefined();
      expect(together.operations.completions?.acceptsPromptLists).toBe(false);
      expect(vllm.operations.completions?.passThrough?.({ model: "r", prompt: ["a", "b"] })).toBeDefined();
    });

    it("translates token ids for a server that needs text, and relays them to one that takes them", () => {
      expect(ollama.operations.embeddings?.passThrough?.({ model: "r", input: [[1, 2]] })).toBeUndefined();
      expect(vllm.operations.embeddings?.passThrough?.({ model: "r", input: [[1, 2]] })).toBeDefined();
    });

    it("translates a base64 embeddings request for a server that only gives floats", () => {
      expect(
        ollama.operations.embeddings?.passThrough?.({ model: "r", input: "x", encoding_format: "base64" }),
      ).toBeUndefined();
      expect(
        ollama.operations.embeddings?.passThrough?.({ model: "r", input: "x", encoding_format: "float" }),
      ).toBeDefined();
    });

    it("relays an OpenAI-shaped answer byte for byte unless the provider declares a difference", () => {
      expect(target("xai", "m", { xai_api_key: "k" }).operations.chat?.relay).toBeUndefined();
      expect(together.operations.chat?.relay?.rewrite).toBeDefined();
      expect(target("mistral", "m", { mistral_api_key: "k" }).operations.chat?.relay?.usageOnLastChunk).toBe(
        true,
      );
    });

    it("sends TGI the model `tgi`, whatever the route names, since other values select a LoRA adapter", () => {
      const tgi = target("tgi", "my-model", { hf_server_url: "http://tgi:8080" });
      const call = tgi.operations.chat?.passThrough?.({ model: "route", messages: [] });
      expect(JSON.parse(call?.body ?? "{}")).toMatchObject({ model: "tgi" });
      expect(call?.path).toBe("/v1/chat/completions");
    });
  });

  it("reads the upstream's error code, type and param for OpenAI clients", () => {
    const mistral = target("mistral", "m", { mistral_api_key: "k" });
    expect(
      mistral.decodeErrorDetails?.({ object: "error", message: "x", type: "t", param: "p", code: "3051" }),
    ).toEqual({
      type: "t",
      param: "p",
      code: "3051",
    });
  });
});
