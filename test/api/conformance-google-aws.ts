import { expect } from "vitest";
import {
  BEDROCK_TEST_API_KEY,
  BEDROCK_TEST_KEYS,
  converseResponse,
  countWords,
  embeddingFor,
  GEMINI_TEST_KEY,
  generateContentResponse,
  type MockUpstream,
  type ScriptedResponse,
  startBedrockMock,
  startGeminiMock,
  TEST_PROJECT,
  testServiceAccountJson,
} from "../mock-upstream/index.js";
import type { ChatIntent, EmbeddingsIntent, ExpectedReply, ProviderCase } from "./provider-case.js";
import { textsOf } from "./provider-case.js";

/**
 * The conformance rows of the Gemini API, Vertex AI and Amazon Bedrock, kept in their own file beside
 * conformance-providers.ts. Expectations are written from the providers' documented APIs and the mocks' echo
 * rules (test/mock-upstream/echo-rules.ts), not from the gateway's code.
 */

const JSON_CONTENT = { "content-type": "application/json" };

function echoReply(intent: ChatIntent): ExpectedReply {
  const text = `Echo: ${intent.user}`;
  return {
    text,
    inputTokens: countWords(intent.system ?? "") + countWords(intent.user),
    outputTokens: countWords(text),
  };
}

const json = (body: unknown): ScriptedResponse => ({ kind: "json", status: 200, body });

/** Gemini's top-level request members among a request's extra fields; the others are generation settings. */
const GEMINI_TOP_LEVEL = new Set(["safetySettings", "cachedContent", "labels", "toolConfig", "tools"]);

/**
 * https://ai.google.dev/api/generate-content: system as `systemInstruction`, sampling in `generationConfig`
 * (temperature on Gemini's 0..2 scale, `maxOutputTokens`, `stopSequences`, `candidateCount` when above 1),
 * extra generation settings in `generationConfig`, Gemini's own top-level members at the top.
 */
function generateContentBody(intent: ChatIntent): Record<string, unknown> {
  const extra = Object.entries(intent.extra ?? {});
  const body: Record<string, unknown> = {
    contents: [{ role: "user", parts: [{ text: intent.user }] }],
    ...(intent.system !== undefined && { systemInstruction: { parts: [{ text: intent.system }] } }),
    ...Object.fromEntries(extra.filter(([key]) => GEMINI_TOP_LEVEL.has(key))),
    generationConfig: {
      temperature: (intent.temperature ?? 0) * 2,
      ...(intent.topP !== undefined && { topP: intent.topP }),
      ...(intent.maxTokens !== undefined && { maxOutputTokens: intent.maxTokens }),
      ...(intent.stop !== undefined && { stopSequences: intent.stop }),
      ...((intent.candidates ?? 1) > 1 && { candidateCount: intent.candidates }),
      ...(intent.seed !== undefined && { seed: intent.seed }),
      ...Object.fromEntries(extra.filter(([key]) => !GEMINI_TOP_LEVEL.has(key))),
    },
  };
  return body;
}

const geminiLengthLimited = (): ScriptedResponse => {
  const body = generateContentResponse({ text: "Echo: Tell" });
  return json({
    ...body,
    candidates: body.candidates.map((candidate) => ({ ...candidate, finishReason: "MAX_TOKENS" })),
  });
};

function geminiCase(): ProviderCase {
  const model = "gemini-2.5-flash";
  const embeddingsModel = "gemini-embedding-001";
  const headers = { ...JSON_CONTENT, "x-goog-api-key": GEMINI_TEST_KEY };
  return {
    label: "gemini",
    provider: "gemini",
    model,
    embeddingsModel,
    startMock: startGeminiMock,
    config: (url) => ({ gemini_api_key: GEMINI_TEST_KEY, gemini_api_base: `${url}/v1beta` }),
    serves: { chat: true, completions: true, embeddings: true },
    maxCandidates: 5,
    passThrough: {
      chat: {
        top_k: 5,
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }],
      },
      embeddings: { taskType: "RETRIEVAL_DOCUMENT", title: "A title" },
    },
    reportedModel: model,
    expectedChatCall: (intent) => ({
      path: `/v1beta/models/${model}:generateContent`,
      query: {},
      headers,
      absentHeaders: ["authorization"],
      body: generateContentBody(intent),
    }),
    expectedEmbeddingsCall: (intent: EmbeddingsIntent) => ({
      path: `/v1beta/models/${embeddingsModel}:batchEmbedContents`,
      query: {},
      headers,
      absentHeaders: ["authorization"],
      body: {
        requests: textsOf(intent).map((text) => ({
          model: `models/${embeddingsModel}`,
          content: { parts: [{ text }] },
          ...intent.extra,
        })),
      },
    }),
    expectedReply: echoReply,
    // The Gemini API counts no tokens for embeddings: unknown, not zero.
    expectedEmbeddings: (texts) => ({ vectors: texts.map(embeddingFor), inputTokens: null }),
    lengthLimitedAnswer: geminiLengthLimited(),
  };
}

const VERTEX_MODEL_PATH = `/v1/projects/${TEST_PROJECT}/locations/us-central1/publishers`;

/**
 * Vertex AI: the same bodies as the Gemini API on Vertex URLs, with an OAuth2 access token from the service
 * account (issued by the mock's token endpoint); embeddings through `:predict`, which counts tokens.
 */
function vertexCase(): ProviderCase {
  const model = "gemini-2.5-flash";
  const embeddingsModel = "text-embedding-005";
  const headers = {
    ...JSON_CONTENT,
    authorization: expect.stringMatching(/^Bearer ya29\.mock-/) as unknown as string,
  };
  return {
    label: "vertex_ai",
    provider: "vertex_ai",
    model,
    embeddingsModel,
    startMock: startGeminiMock,
    config: (url) => ({
      vertex_credentials: testServiceAccountJson(`${url}/token`),
      vertex_location: "us-central1",
      vertex_api_base: url,
    }),
    serves: { chat: true, completions: true, embeddings: true },
    maxCandidates: 5,
    passThrough: {
      chat: { labels: { team: "search" }, topK: 3 },
      embeddings: { task_type: "RETRIEVAL_DOCUMENT", autoTruncate: false },
    },
    reportedModel: model,
    expectedChatCall: (intent) => ({
      path: `${VERTEX_MODEL_PATH}/google/models/${model}:generateContent`,
      query: {},
      headers,
      absentHeaders: ["x-goog-api-key"],
      body: generateContentBody(intent),
    }),
    expectedEmbeddingsCall: (intent) => {
      const { task_type, ...parameters } = intent.extra ?? {};
      return {
        path: `${VERTEX_MODEL_PATH}/google/models/${embeddingsModel}:predict`,
        query: {},
        headers,
        absentHeaders: ["x-goog-api-key"],
        body: {
          instances: textsOf(intent).map((content) => ({
            content,
            ...(task_type !== undefined && { task_type }),
          })),
          ...(Object.keys(parameters).length > 0 && { parameters }),
        },
      };
    },
    expectedReply: echoReply,
    expectedEmbeddings: (texts) => ({
      vectors: texts.map(embeddingFor),
      inputTokens: texts.reduce((sum, text) => sum + countWords(text), 0),
    }),
    lengthLimitedAnswer: geminiLengthLimited(),
  };
}

type BedrockAuth = "keys" | "role" | "api key";

const ROLE_ARN = "arn:aws:iam::123456789012:role/switchyard-bedrock";

/**
 * Amazon Bedrock: Converse (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html)
 * for chat, the model id percent-encoded in the path; temperature 0..1; no seed, one candidate; extra fields as
 * `additionalModelRequestFields` unless they are Converse members. Embeddings through InvokeModel with Cohere
 * Embed's body (one call for a list; Titan's one-text calls are tested in test/api/bedrock-provider.test.ts).
 * Calls are signed with SigV4 by the configured keys, by credentials STS issued for the role, or carry a Bedrock
 * API key.
 */
function bedrockCase(auth: BedrockAuth): ProviderCase {
  const model = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  const embeddingsModel = "cohere.embed-english-v3";
  const keyId = auth === "role" ? "ASIAMOCK\\d{12}" : BEDROCK_TEST_KEYS.accessKeyId;
  const authorization =
    auth === "api key"
      ? `Bearer ${BEDROCK_TEST_API_KEY}`
      : (expect.stringMatching(
          new RegExp(
            `^AWS4-HMAC-SHA256 Credential=${keyId}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=`,
          ),
        ) as unknown as string);
  const headers = { ...JSON_CONTENT, authorization };
  const keys = {
    aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
    aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
  };
  return {
    label: auth === "keys" ? "bedrock" : `bedrock (${auth})`,
    provider: auth === "role" ? "amazon-bedrock" : "bedrock",
    model,
    embeddingsModel,
    startMock: startBedrockMock as () => Promise<MockUpstream>,
    config: (url) => ({
      aws_config: {
        aws_region: "us-east-1",
        ...(auth === "keys" && keys),
        ...(auth === "role" && { ...keys, aws_role_arn: ROLE_ARN, aws_sts_endpoint: url }),
      },
      ...(auth === "api key" && { bedrock_api_key: BEDROCK_TEST_API_KEY }),
      bedrock_api_base: url,
    }),
    serves: { chat: true, completions: true, embeddings: true },
    maxCandidates: 1,
    candidateLimitMessage: "one candidate per request",
    passThrough: {
      chat: { top_k: 5, requestMetadata: { team: "search" } },
      embeddings: { input_type: "search_query", truncate: "END" },
    },
    reportedModel: model,
    expectedChatCall: (intent) => {
      const { requestMetadata, ...modelFields } = intent.extra ?? {};
      return {
        path: `/model/${encodeURIComponent(model)}/converse`,
        query: {},
        headers,
        absentHeaders: auth === "api key" ? ["x-amz-date"] : [],
        body: {
          messages: [{ role: "user", content: [{ text: intent.user }] }],
          ...(intent.system !== undefined && { system: [{ text: intent.system }] }),
          inferenceConfig: {
            temperature: intent.temperature ?? 0,
            ...(intent.maxTokens !== undefined && { maxTokens: intent.maxTokens }),
            ...(intent.topP !== undefined && { topP: intent.topP }),
            ...(intent.stop !== undefined && { stopSequences: intent.stop }),
          },
          ...(requestMetadata !== undefined && { requestMetadata }),
          ...(Object.keys(modelFields).length > 0 && { additionalModelRequestFields: modelFields }),
        },
      };
    },
    expectedEmbeddingsCall: (intent) => ({
      path: `/model/${embeddingsModel}/invoke`,
      query: {},
      headers,
      absentHeaders: [],
      body: {
        texts: textsOf(intent),
        input_type: "search_document",
        ...intent.extra,
        embedding_types: ["float"],
      },
    }),
    expectedReply: echoReply,
    expectedEmbeddings: (texts) => ({
      vectors: texts.map(embeddingFor),
      inputTokens: texts.reduce((sum, text) => sum + countWords(text), 0),
    }),
    lengthLimitedAnswer: json({ ...converseResponse({ text: "Echo: Tell" }), stopReason: "max_tokens" }),
  };
}

export const GOOGLE_AWS_CASES: ProviderCase[] = [
  geminiCase(),
  vertexCase(),
  bedrockCase("keys"),
  bedrockCase("role"),
  bedrockCase("api key"),
];
