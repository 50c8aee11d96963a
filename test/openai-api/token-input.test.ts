import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMPATIBLE_ROWS } from "../api/compatible/rows.js";
import { embeddingFor, expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "./api-gateway.js";
import { type ApiProvider, apiProvider } from "./api-providers.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * LangChain's `OpenAIEmbeddings` tokenizes its texts with tiktoken (`cl100k_base`) and sends token ids; the
 * official SDK asks for base64 vectors unless told otherwise. Providers that take ids get them as they are; the
 * others get the texts the ids stand for; every client gets its vectors in the encoding it asked for.
 */

const TEXTS = ["hello world", "a second, longer text"];
/** The providers whose embeddings endpoints take token ids (their declarations say so). */
const TAKES_TOKENS = new Set(["openai", "vllm", "openrouter"]);
/** And those that produce base64 vectors themselves; the others are asked for floats, which the gateway encodes. */
const MAKES_BASE64 = new Set(["openai", "vllm", "openrouter", "mistral"]);
const PROVIDERS: ApiProvider[] = [
  apiProvider("openai"),
  apiProvider("cohere"),
  apiProvider("mock"),
  ...COMPATIBLE_ROWS.map((row) => row.api).filter((provider) => provider.serves.embeddings === true),
];

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  setup = await startProvidersGateway(PROVIDERS);
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const provider of PROVIDERS)
    if (provider.framing !== undefined) expectNoSpecViolations(setup.mockOf(provider));
});

for (const provider of PROVIDERS) {
  describe(`token-id embeddings on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "embeddings");
    const upstream = () => (provider.framing === undefined ? undefined : setup.mockOf(provider));

    it("embeds a list of token-id lists, one vector per list, in the SDK's default base64", async () => {
      const response = await sdk.client.embeddings.create({
        model,
        input: TEXTS.map((text) => encode(text)),
      });
      expect(response.data.map((item) => item.index)).toEqual([0, 1]);
      const body = upstream()?.requests[0]?.body as { input?: unknown } | undefined;
      if (provider.framing === undefined) return;
      if (!MAKES_BASE64.has(provider.label)) expect(body).not.toHaveProperty("encoding_format", "base64");
      if (TAKES_TOKENS.has(provider.label)) {
        expect(body?.input).toEqual(TEXTS.map((text) => encode(text)));
      } else {
        // The texts the ids stand for, embedded as the mock embeds text (echo-rules.ts).
        expect(JSON.stringify(body)).toContain(TEXTS[1]);
        expect(response.data.map((item) => item.embedding.map((value) => Math.round(value * 2) / 2))).toEqual(
          TEXTS.map(embeddingFor),
        );
      }
    });

    it("embeds one token-id list as one input", async () => {
      const response = await sdk.client.embeddings.create({
        model,
        input: encode("hello world"),
        encoding_format: "float",
      });
      expect(response.data).toHaveLength(1);
      expect(response.data[0]?.embedding.length).toBeGreaterThan(0);
    });
  });
}
