import type { ChatCompletionTool } from "openai/resources/chat/completions";
import {
  type CompatibleMockProfile,
  compatibleCompletionFrames,
  compatibleFrame,
  compatibleStreamFrames,
  countWords,
  embeddingFor,
  openAIChatCompletion,
  openAICompletion,
  type ScriptedResponse,
  startCompatibleMock,
} from "../../mock-upstream/index.js";
import type { ApiProvider } from "../../openai-api/api-providers.js";
import type {
  ChatIntent,
  EmbeddingsIntent,
  ExpectedUpstreamCall,
  ProviderCase,
  RouteKind,
} from "../provider-case.js";

/**
 * One OpenAI-compatible provider's row of the conformance table: the same declaration feeds the MLflow-API suite
 * (provider-conformance.test.ts), the OpenAI-SDK suites (test/openai-api/) and the quirk suite
 * (compatible-conformance.test.ts). Expectations are written from the provider's documentation and the mock's
 * echo rules, never from the gateway's code. Adding a provider: a file like the others in this folder, and a line
 * in rows.ts.
 */
export interface CompatibleRow {
  base: ProviderCase;
  api: ApiProvider;
  profile: CompatibleMockProfile;
  /** The provider's name in the gateway's messages. */
  displayName: string;
  /** Whether completions go to a completions endpoint of its own (else through chat). */
  completionsEndpoint: boolean;
  /** The in-band error of the provider's streams, as the quirk suite scripts it. */
  inBandError: { data: unknown; message: string; code?: string } | string;
  /** An error body carrying an OpenAI-style `code` (and `type`/`param` where the envelope has them), and what of
   * it must reach an OpenAI client. */
  codedError: { status: number; body: unknown; code: string; type?: string; param?: string };
}

export interface CompatibleRowSpec {
  provider: string;
  label?: string;
  model: string;
  displayName: string;
  profile: CompatibleMockProfile;
  config(mockUrl: string): Record<string, unknown>;
  /** Headers every upstream call must carry, and those it must not (no credentials for a keyless server). */
  headers: Record<string, string>;
  absentHeaders: string[];
  serves: Record<RouteKind, true | string>;
  maxCandidates: number;
  /** The body an MLflow chat intent must reach the upstream as. */
  chatBody(intent: ChatIntent): Record<string, unknown>;
  /** The body an MLflow completions intent reaches the provider's completions endpoint as, where it has one. */
  completionsBody?(intent: ChatIntent): Record<string, unknown>;
  embeddingsBody?(intent: EmbeddingsIntent): Record<string, unknown>;
  /** Provider-specific fields the gateway must pass on as they are. */
  passThrough: { chat: Record<string, unknown>; embeddings: Record<string, unknown> };
  /** The provider takes only its own tool-call id format, so the gateway rewrites other ids (Mistral). */
  rewritesToolCallIds?: boolean;
  /** The tool definitions as the upstream gets them, when not OpenAI's (TGI names the schema `arguments`). */
  upstreamTools?: ApiProvider["upstreamTools"];
  relayedDifferences?: ApiProvider["relayedDifferences"];
  reportedModel?: string;
  lengthLimitedAnswer?: ScriptedResponse;
  inBandError: CompatibleRow["inBandError"];
  codedError: CompatibleRow["codedError"];
}

const JSON_CONTENT = { "content-type": "application/json" };

export function compatibleRow(spec: CompatibleRowSpec): CompatibleRow {
  const label = spec.label ?? spec.provider;
  const call = (path: string | undefined, body: unknown): ExpectedUpstreamCall => ({
    path: path ?? "",
    query: {},
    headers: { ...JSON_CONTENT, ...spec.headers },
    absentHeaders: spec.absentHeaders,
    body,
  });
  const { paths } = spec.profile;
  const completionsBody = spec.completionsBody;
  const base: ProviderCase = {
    label,
    provider: spec.provider,
    model: spec.model,
    startMock: () => startCompatibleMock(spec.profile),
    config: spec.config,
    serves: spec.serves,
    maxCandidates: spec.maxCandidates,
    ...(spec.maxCandidates < 2 && { candidateLimitMessage: "one candidate per request" }),
    passThrough: spec.passThrough,
    reportedModel: spec.reportedModel ?? spec.model,
    expectedChatCall: (intent) => call(paths.chat, spec.chatBody(intent)),
    ...(completionsBody !== undefined && {
      expectedCompletionsCall: (intent: ChatIntent) => call(paths.completions, completionsBody(intent)),
      lengthLimitedCompletion: json(200, { ...openAICompletion({ text: "Echo: Tell" }), ...lengthChoice() }),
    }),
    ...(spec.embeddingsBody !== undefined && {
      expectedEmbeddingsCall: (intent: EmbeddingsIntent) =>
        call(paths.embeddings, spec.embeddingsBody?.(intent)),
    }),
    expectedReply: (intent) => {
      const text = `Echo: ${intent.user}`;
      return {
        text,
        inputTokens: countWords(intent.system ?? "") + countWords(intent.user),
        outputTokens: countWords(text),
      };
    },
    expectedEmbeddings: (texts) => ({
      vectors: texts.map(embeddingFor),
      inputTokens: texts.reduce((sum, text) => sum + countWords(text), 0),
    }),
    lengthLimitedAnswer:
      spec.lengthLimitedAnswer ??
      json(200, withFinish(openAIChatCompletion({ text: "Echo: Tell" }), "length")),
  };
  const api: ApiProvider = {
    label,
    base,
    serves: spec.serves,
    tools: true,
    candidates: spec.maxCandidates >= 2 ? true : `${spec.displayName} returns one candidate per request`,
    upstreamTools:
      spec.upstreamTools ??
      ((tools: ChatCompletionTool[]) =>
        tools.map((tool) => {
          if (tool.type !== "function") throw new Error("only function tools are used in these tests");
          return { type: "function", function: tool.function };
        })),
    ...(spec.relayedDifferences !== undefined && { relayedDifferences: spec.relayedDifferences }),
    firstToolCallId: () => spec.profile.toolCallId?.(1) ?? "call_mock_1",
    ...(spec.rewritesToolCallIds === true && { rewritesToolCallIds: true }),
    errorBody: (status, message) => spec.profile.errorBody(status, message),
    scripted: {
      chat: (input) => json(200, chatBodyOf(spec.profile, openAIChatCompletion(input))),
      stream: (input) => ({ kind: "stream", frames: compatibleStreamFrames(spec.profile, input) }),
    },
    framing: {
      frames: (input) => compatibleStreamFrames(spec.profile, { ...input, includeUsage: true }),
      ...(completionsBody !== undefined && {
        completionFrames: (text: string) =>
          compatibleCompletionFrames(spec.profile, { text, promptTokens: 1, includeUsage: true }),
      }),
      terminalFrames: 1,
      errorFrame:
        typeof spec.inBandError === "string"
          ? spec.inBandError
          : {
              frame: compatibleFrame(spec.profile, spec.inBandError.data),
              message: spec.inBandError.message,
              status:
                spec.inBandError.code === "429" || spec.inBandError.code === "rate_limit_exceeded"
                  ? 429
                  : 502,
            },
    },
  };
  return {
    base,
    api,
    profile: spec.profile,
    displayName: spec.displayName,
    completionsEndpoint: completionsBody !== undefined,
    inBandError: spec.inBandError,
    codedError: spec.codedError,
  };
}

function chatBodyOf(profile: CompatibleMockProfile, body: Record<string, unknown>): unknown {
  return profile.chatBody?.(body) ?? body;
}

function lengthChoice() {
  const body = openAICompletion({ text: "Echo: Tell" });
  return { choices: body.choices.map((choice) => ({ ...choice, finish_reason: "length" })) };
}

function withFinish<T extends { choices: object[] }>(body: T, finishReason: string) {
  return { ...body, choices: body.choices.map((choice) => ({ ...choice, finish_reason: finishReason })) };
}

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body };
}

/** MLflow's temperature runs 0..1; the gateway's scale is OpenAI's 0..2, and `scale` maps that onto the provider's. */
export function temperatureFor(intent: ChatIntent, scale = 1): number {
  return (intent.temperature ?? 0) * 2 * scale;
}

export function chatMessages(intent: ChatIntent): { role: string; content: string }[] {
  return [
    ...(intent.system === undefined ? [] : [{ role: "system", content: intent.system }]),
    { role: "user", content: intent.user },
  ];
}

/**
 * The OpenAI-shaped body of an MLflow chat intent (https://platform.openai.com/docs/api-reference/chat/create), with
 * a provider's documented differences: its temperature scale, its name for `seed` (or none), and no `n` where it
 * returns one candidate.
 */
export function openAIShapedChat(
  intent: ChatIntent,
  model: string,
  options: { temperatureScale?: number; seedKey?: string | null; oneCandidate?: boolean } = {},
): Record<string, unknown> {
  const seedKey = options.seedKey === undefined ? "seed" : options.seedKey;
  return {
    model,
    messages: chatMessages(intent),
    temperature: temperatureFor(intent, options.temperatureScale),
    ...(intent.topP !== undefined && { top_p: intent.topP }),
    ...(intent.maxTokens !== undefined && { max_tokens: intent.maxTokens }),
    ...(intent.stop !== undefined && { stop: intent.stop }),
    ...(!options.oneCandidate && { n: intent.candidates ?? 1 }),
    ...(intent.seed !== undefined && seedKey !== null && { [seedKey]: intent.seed }),
    ...intent.extra,
  };
}

/** The legacy completions body of an MLflow completions intent (the prompt as one string, or a list of one). */
export function openAIShapedCompletion(
  intent: ChatIntent,
  model: string,
  options: { promptAsList?: boolean; oneCandidate?: boolean } = {},
): Record<string, unknown> {
  return {
    model,
    prompt: options.promptAsList ? [intent.user] : intent.user,
    temperature: temperatureFor(intent),
    ...(intent.topP !== undefined && { top_p: intent.topP }),
    ...(intent.maxTokens !== undefined && { max_tokens: intent.maxTokens }),
    ...(intent.stop !== undefined && { stop: intent.stop }),
    ...(!options.oneCandidate && { n: intent.candidates ?? 1 }),
    ...(intent.seed !== undefined && { seed: intent.seed }),
    ...intent.extra,
  };
}

export function openAIShapedEmbeddings(intent: EmbeddingsIntent, model: string): Record<string, unknown> {
  return { model, input: intent.text, ...intent.extra };
}

/** OpenAI's error envelope (https://platform.openai.com/docs/guides/error-codes). */
export function openAIStyleError(status: number, message: string, code?: string): unknown {
  const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, param: null, code: code ?? null } };
}
