import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS } from "./api-providers.js";
import { decodeFloat32Base64 } from "./openai-spec-checks.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * Embeddings through the official SDK on a route per provider that serves them, in both encodings (the SDK asks
 * for base64 unless told otherwise, and decodes it), and the route list as OpenAI models.
 */

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  setup = await startProvidersGateway(API_PROVIDERS);
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const provider of API_PROVIDERS)
    if (provider.framing !== undefined) expectNoSpecViolations(setup.mockOf(provider));
});

/** A vector as float32 values, which is what base64 embeddings carry. */
function asFloat32(vector: number[]): number[] {
  return Array.from(new Float32Array(vector));
}

const TEXTS = ["hello world", "a second, longer text"];

for (const provider of API_PROVIDERS) {
  describe(`embeddings on a route backed by ${provider.label}`, () => {
    const serves = provider.serves.embeddings;
    if (serves !== true) {
      it.skip(`serves embeddings (skipped: ${serves})`, () => {});
      return;
    }
    const model = routeName(provider, "embeddings");
    const expected = provider.base.expectedEmbeddings(TEXTS);

    it("returns the upstream's vectors as numbers for encoding_format float, with its token count", async () => {
      const response = await sdk.client.embeddings.create({ model, input: TEXTS, encoding_format: "float" });
      expect(response.object).toBe("list");
      expect(response.data.map((item) => [item.index, item.embedding])).toEqual(
        expected.vectors.map((vector, index) => [index, vector]),
      );
      // OpenAI's usage cannot say "unknown": a provider that counts no tokens shows 0.
      expect(response.usage).toEqual({
        prompt_tokens: expected.inputTokens ?? 0,
        total_tokens: expected.inputTokens ?? 0,
      });
    });

    it("serves the SDK's default base64 encoding, which the SDK decodes to the upstream's vectors", async () => {
      const response = await sdk.client.embeddings.create({ model, input: TEXTS });
      const [exchange] = sdk.exchanges;
      expect(exchange?.requestBody).toMatchObject({ encoding_format: "base64" });
      const raw = JSON.parse((await exchange?.text) ?? "") as { data: { embedding: unknown }[] };
      expect(raw.data.map((item) => typeof item.embedding)).toEqual(["string", "string"]);
      expect(response.data.map((item) => Array.from(item.embedding))).toEqual(
        expected.vectors.map(asFloat32),
      );
    });

    it("returns base64 strings of the float32 vectors when base64 is asked for explicitly", async () => {
      const response = await sdk.client.embeddings.create({
        model,
        input: "hello world",
        encoding_format: "base64",
      });
      const [item] = response.data;
      expect(typeof item?.embedding).toBe("string");
      expect(decodeFloat32Base64(item?.embedding as unknown as string)).toEqual(
        asFloat32(provider.base.expectedEmbeddings(["hello world"]).vectors[0] ?? []),
      );
    });
  });
}

describe("models", () => {
  it("lists every route as a model, by route name", async () => {
    const models = [];
    for await (const model of sdk.client.models.list()) models.push(model);
    const expectedIds = API_PROVIDERS.flatMap((provider) =>
      (["chat", "completions", "embeddings"] as const)
        .filter((kind) => provider.serves[kind] === true)
        .map((kind) => routeName(provider, kind)),
    );
    expect(models.map((model) => model.id)).toEqual(expectedIds);
    for (const model of models) {
      expect(model).toMatchObject({
        object: "model",
        created: expect.any(Number),
        owned_by: expect.any(String),
      });
    }
  });

  it("retrieves one route as a model", async () => {
    const model = await sdk.client.models.retrieve("openai-chat");
    expect(model).toMatchObject({ id: "openai-chat", object: "model", owned_by: "openai" });
  });
});
