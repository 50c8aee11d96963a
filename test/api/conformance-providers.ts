import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { pseudoEmbedding } from "../../src/providers/mock.js";
import {
  anthropicMessage,
  cohereChatResponse,
  countWords,
  embeddingFor,
  openAIChatCompletion,
  type ScriptedResponse,
  startAnthropicMock,
  startCohereMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { COMPATIBLE_ROWS } from "./compatible/rows.js";
import { GOOGLE_AWS_CASES } from "./conformance-google-aws.js";
import {
  type ChatIntent,
  type EmbeddingsIntent,
  type ExpectedEmbeddings,
  type ExpectedReply,
  type ExpectedUpstreamCall,
  type ProviderCase,
  textsOf,
} from "./provider-case.js";

/**
 * The provider table of the conformance suite: what each provider serves, and what it must send upstream and
 * answer for a given MLflow request. Expectations are written from the providers' documented APIs and the
 * upstream mocks' echo rules (test/mock-upstream/echo-rules.ts), not from the gateway's code; the one exception is
 * the mock provider's pseudo-embedding function, which is that provider's definition of its vectors.
 */

function chatMessages(intent: ChatIntent): { role: string; content: string }[] {
  return [
    ...(intent.system === undefined ? [] : [{ role: "system", content: intent.system }]),
    { role: "user", content: intent.user },
  ];
}

/** MLflow's temperature runs 0..1; each provider's own range has this maximum, and the mapping is linear. */
function temperatureOn(intent: ChatIntent, providerMaximum: number): number {
  return (intent.temperature ?? 0) * providerMaximum;
}

/** The upstream mocks echo the last user message and count words (echo-rules.ts). */
function echoReply(intent: ChatIntent): ExpectedReply {
  const text = `Echo: ${intent.user}`;
  return {
    text,
    inputTokens: countWords(intent.system ?? "") + countWords(intent.user),
    outputTokens: countWords(text),
  };
}

function echoEmbeddings(texts: string[]): ExpectedEmbeddings {
  return {
    vectors: texts.map(embeddingFor),
    inputTokens: texts.reduce((sum, text) => sum + countWords(text), 0),
  };
}

const JSON_CONTENT = { "content-type": "application/json" };

/** https://platform.openai.com/docs/api-reference/chat/create; temperature 0..2. */
function openAIChatBody(intent: ChatIntent, model: string | undefined): Record<string, unknown> {
  return {
    ...(model !== undefined && { model }),
    messages: chatMessages(intent),
    temperature: temperatureOn(intent, 2),
    ...(intent.topP !== undefined && { top_p: intent.topP }),
    ...(intent.maxTokens !== undefined && { max_tokens: intent.maxTokens }),
    ...(intent.stop !== undefined && { stop: intent.stop }),
    n: intent.candidates ?? 1,
    ...(intent.seed !== undefined && { seed: intent.seed }),
    ...intent.extra,
  };
}

/** https://platform.openai.com/docs/api-reference/embeddings/create: one string stays a string. */
function openAIEmbeddingsBody(intent: EmbeddingsIntent, model: string | undefined): Record<string, unknown> {
  return { ...(model !== undefined && { model }), input: intent.text, ...intent.extra };
}

const OPENAI_KEY = "sk-test-openai-0123456789";
const AZURE_KEY = "azure-test-key-0123456789";
const AZURE_DEPLOYMENT = "my-gpt-deployment";
const AZURE_VERSION = "2024-06-01";

function openAICase(): ProviderCase {
  const model = "gpt-4o-mini";
  const headers = {
    ...JSON_CONTENT,
    authorization: `Bearer ${OPENAI_KEY}`,
    "openai-organization": "org-switchyard",
  };
  return {
    label: "openai",
    provider: "openai",
    model,
    startMock: startOpenAIMock,
    config: (url) => ({
      openai_api_key: OPENAI_KEY,
      openai_api_base: `${url}/v1`,
      openai_organization: "org-switchyard",
    }),
    serves: { chat: true, completions: true, embeddings: true },
    maxCandidates: 5,
    passThrough: {
      chat: { user: "user-1234", logit_bias: { "50256": -100 } },
      embeddings: { user: "user-1234" },
    },
    reportedModel: model,
    expectedChatCall: (intent) => ({
      path: "/v1/chat/completions",
      query: {},
      headers,
      absentHeaders: ["api-key"],
      body: openAIChatBody(intent, model),
    }),
    expectedEmbeddingsCall: (intent) => ({
      path: "/v1/embeddings",
      query: {},
      headers,
      absentHeaders: ["api-key"],
      body: openAIEmbeddingsBody(intent, model),
    }),
    expectedReply: echoReply,
    expectedEmbeddings: echoEmbeddings,
    lengthLimitedAnswer: jsonAnswer(
      withOpenAIFinishReason(openAIChatCompletion({ text: "Echo: Tell" }), "length"),
    ),
  };
}

function withOpenAIFinishReason<T extends { choices: object[] }>(body: T, finishReason: string) {
  return { ...body, choices: body.choices.map((choice) => ({ ...choice, finish_reason: finishReason })) };
}

function jsonAnswer(body: unknown): ScriptedResponse {
  return { kind: "json", status: 200, body };
}

/**
 * Azure OpenAI (https://learn.microsoft.com/azure/ai-services/openai/reference): the deployment in the path,
 * `api-version` in the query, no `model` in the body; `azure` authenticates with `api-key`, `azuread` with an
 * Entra ID bearer token. The mock answers with the deployment as the model.
 */
function azureCase(apiType: "azure" | "azuread"): ProviderCase {
  const auth: Record<string, string> =
    apiType === "azure" ? { "api-key": AZURE_KEY } : { authorization: `Bearer ${AZURE_KEY}` };
  const headers = { ...JSON_CONTENT, ...auth };
  const absentHeaders = [apiType === "azure" ? "authorization" : "api-key", "openai-organization"];
  const call = (endpoint: string, body: unknown): ExpectedUpstreamCall => ({
    path: `/openai/deployments/${AZURE_DEPLOYMENT}/${endpoint}`,
    query: { "api-version": AZURE_VERSION },
    headers,
    absentHeaders,
    body,
  });
  return {
    ...openAICase(),
    label: `openai (openai_api_type: ${apiType})`,
    config: (url) => ({
      openai_api_key: AZURE_KEY,
      openai_api_type: apiType,
      openai_api_base: url,
      openai_deployment_name: AZURE_DEPLOYMENT,
      openai_api_version: AZURE_VERSION,
    }),
    reportedModel: AZURE_DEPLOYMENT,
    expectedChatCall: (intent) => call("chat/completions", openAIChatBody(intent, undefined)),
    expectedEmbeddingsCall: (intent) => call("embeddings", openAIEmbeddingsBody(intent, undefined)),
  };
}

/**
 * Anthropic Messages (https://docs.anthropic.com/en/api/messages): system lifted to `system`, `max_tokens`
 * required (the gateway's documented default when absent), `stop` as `stop_sequences`, temperature 0..1, no
 * seed and no candidate count.
 */
function anthropicCase(options: { version?: string; defaultMaxTokens?: number } = {}): ProviderCase {
  const model = "claude-3-5-sonnet-latest";
  const key = "sk-ant-test-0123456789";
  const headers = { ...JSON_CONTENT, "x-api-key": key, "anthropic-version": options.version ?? "2023-06-01" };
  const overrides = {
    ...(options.version !== undefined && { anthropic_version: options.version }),
    ...(options.defaultMaxTokens !== undefined && { default_max_tokens: options.defaultMaxTokens }),
  };
  return {
    label:
      options.version === undefined
        ? "anthropic"
        : `anthropic (anthropic_version ${options.version}, default_max_tokens ${options.defaultMaxTokens})`,
    provider: "anthropic",
    model,
    startMock: startAnthropicMock,
    config: (url) => ({ anthropic_api_key: key, anthropic_api_base: `${url}/v1`, ...overrides }),
    serves: {
      chat: true,
      completions: true,
      embeddings:
        "Anthropic has no embeddings API (https://docs.anthropic.com/en/docs/build-with-claude/embeddings)",
    },
    maxCandidates: 1,
    candidateLimitMessage: "one candidate per request",
    passThrough: { chat: { top_k: 5, metadata: { user_id: "user-1234" } }, embeddings: {} },
    reportedModel: model,
    expectedChatCall: (intent) => ({
      path: "/v1/messages",
      query: {},
      headers,
      absentHeaders: ["authorization"],
      body: {
        model,
        ...(intent.system !== undefined && { system: intent.system }),
        messages: [{ role: "user", content: intent.user }],
        max_tokens: intent.maxTokens ?? options.defaultMaxTokens ?? 4096,
        temperature: temperatureOn(intent, 1),
        ...(intent.topP !== undefined && { top_p: intent.topP }),
        ...(intent.stop !== undefined && { stop_sequences: intent.stop }),
        ...intent.extra,
      },
    }),
    expectedReply: echoReply,
    expectedEmbeddings: echoEmbeddings,
    lengthLimitedAnswer: jsonAnswer({
      ...anthropicMessage({ text: "Echo: Tell" }),
      stop_reason: "max_tokens",
    }),
  };
}

/**
 * Cohere v2 (https://docs.cohere.com/v2/reference/chat, https://docs.cohere.com/v2/reference/embed): the
 * base is the origin; temperature 0..1, top_p as `p`, `stop` as `stop_sequences`, one candidate; embed takes
 * `texts`, a required `input_type` and `embedding_types`.
 */
function cohereCase(options: { embeddingInputType?: string } = {}): ProviderCase {
  const model = "command-r-plus";
  const key = "co-test-0123456789";
  const headers = { ...JSON_CONTENT, authorization: `Bearer ${key}`, accept: "application/json" };
  return {
    label:
      options.embeddingInputType === undefined
        ? "cohere"
        : `cohere (embedding_input_type ${options.embeddingInputType})`,
    provider: "cohere",
    model,
    startMock: startCohereMock,
    config: (url) => ({
      cohere_api_key: key,
      cohere_api_base: url,
      ...(options.embeddingInputType !== undefined && { embedding_input_type: options.embeddingInputType }),
    }),
    serves: { chat: true, completions: true, embeddings: true },
    maxCandidates: 1,
    candidateLimitMessage: "one candidate per request",
    passThrough: {
      chat: { k: 5, frequency_penalty: 0.5 },
      embeddings: { input_type: "search_query", truncate: "END" },
    },
    reportedModel: model,
    expectedChatCall: (intent) => ({
      path: "/v2/chat",
      query: {},
      headers,
      absentHeaders: [],
      body: {
        model,
        messages: chatMessages(intent),
        temperature: temperatureOn(intent, 1),
        ...(intent.topP !== undefined && { p: intent.topP }),
        ...(intent.maxTokens !== undefined && { max_tokens: intent.maxTokens }),
        ...(intent.stop !== undefined && { stop_sequences: intent.stop }),
        ...(intent.seed !== undefined && { seed: intent.seed }),
        ...intent.extra,
      },
    }),
    expectedEmbeddingsCall: (intent) => ({
      path: "/v2/embed",
      query: {},
      headers,
      absentHeaders: [],
      body: {
        model,
        texts: textsOf(intent),
        input_type: options.embeddingInputType ?? "search_document",
        ...intent.extra,
        embedding_types: ["float"],
      },
    }),
    expectedReply: echoReply,
    expectedEmbeddings: echoEmbeddings,
    lengthLimitedAnswer: jsonAnswer({
      ...cohereChatResponse({ text: "Echo: Tell" }),
      finish_reason: "MAX_TOKENS",
    }),
  };
}

/** The built-in mock: echoes the last user message (no prefix), counts o200k_base tokens, no upstream. */
function mockCase(): ProviderCase {
  const dimensions = 6;
  return {
    label: "mock",
    provider: "mock",
    model: "mock-echo",
    config: () => ({ embedding_dimensions: dimensions }),
    serves: { chat: true, completions: true, embeddings: true },
    maxCandidates: 5,
    passThrough: { chat: { user: "user-1234" }, embeddings: { user: "user-1234" } },
    reportedModel: "mock-echo",
    expectedReply: (intent) => ({
      text: intent.user,
      inputTokens: countTokens(intent.system ?? "") + countTokens(intent.user),
      outputTokens: countTokens(intent.user),
    }),
    expectedEmbeddings: (texts) => ({
      vectors: texts.map((text) => pseudoEmbedding(text, dimensions)),
      inputTokens: texts.reduce((sum, text) => sum + countTokens(text), 0),
    }),
  };
}

export const PROVIDER_CASES: ProviderCase[] = [
  openAICase(),
  azureCase("azure"),
  azureCase("azuread"),
  anthropicCase(),
  anthropicCase({ version: "2023-01-01", defaultMaxTokens: 1024 }),
  cohereCase(),
  cohereCase({ embeddingInputType: "classification" }),
  mockCase(),
  ...COMPATIBLE_ROWS.map((row) => row.base),
  ...GOOGLE_AWS_CASES,
];
