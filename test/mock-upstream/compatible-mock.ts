import { createSpecValidator, type SpecProvider } from "../spec-validator.js";
import {
  completeMockChat,
  countWords,
  echoChat,
  lastUserText,
  messageTexts,
  REASONING_TEXT,
  textOf,
  wantsReasoning,
} from "./echo-rules.js";
import { arrayOf, isRecord, type JsonRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import {
  type OpenAICompletionOptions,
  type OpenAIStreamOptions,
  openAIChatChunks,
  openAIChatCompletion,
  openAICompletion,
  openAICompletionChunks,
  openAIEmbeddings,
} from "./openai-bodies.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * An OpenAI-compatible server as one provider runs it, described by a profile: where its endpoints are, what
 * auth it wants, the spec its requests are checked against (the provider's own where it publishes one, else
 * OpenAI's plus the provider's documented rules), and how its answers, streams and errors differ from OpenAI's.
 * The answers follow echo-rules.ts, rendered in the provider's shape.
 */
export interface CompatibleMockProfile {
  /** Paths as the provider serves them (`/v1/chat/completions`); absent operations answer 404. */
  paths: { chat: string; completions?: string; embeddings?: string };
  /** `required`: 401 without a bearer key; `none`: the server never sees credentials (a test checks that). */
  auth: "required" | "none";
  /** Request schemas (component names) in a vendored spec. */
  spec: { provider: SpecProvider; chat: string; completions?: string; embeddings?: string };
  /** The provider's documented rules the spec does not encode: one message per violation. */
  rules?(operation: "chat" | "completions" | "embeddings", body: JsonRecord): string[];
  /** Tool-call id of the request at `sequence` (default `call_mock_<sequence>`). */
  toolCallId?(sequence: number): string;
  /** Where the reasoning text goes (message/delta field, or Mistral's or Databricks' content parts). */
  reasoning: "reasoning_content" | "reasoning" | "thinking-chunks" | "reasoning-parts";
  /** Adjusts a whole chat answer or a stream chunk to the provider's shape (extra required fields, ...). */
  chatBody?(body: JsonRecord): JsonRecord;
  chunk?(chunk: JsonRecord): JsonRecord;
  /** Stream framing: TGI writes `data:` without the space; some send comments before the first chunk. */
  framing?: { dataPrefix?: "data:" | "data: "; leadingComments?: string[] };
  /** Usage on a stream: as OpenAI (with include_usage), on the last chunk unasked, or Groq's `x_groq`. */
  streamUsage?: "when-asked" | "last-chunk" | "x_groq";
  /** The provider's error body for a status and message (and an OpenAI-style code, where it has one). */
  errorBody(status: number, message: string, code?: string): unknown;
}

type Operation = "chat" | "completions" | "embeddings";

export function startCompatibleMock(profile: CompatibleMockProfile): Promise<MockUpstream> {
  const operationOf = (request: RecordedRequest): Operation | undefined => {
    if (request.method !== "POST") return undefined;
    for (const operation of ["chat", "completions", "embeddings"] as const) {
      if (profile.paths[operation] === request.path) return operation;
    }
    return undefined;
  };
  const validator = createSpecValidator(profile.spec.provider);
  return startMockUpstream({
    validate: (request) => {
      const operation = operationOf(request);
      const schema = operation === undefined ? undefined : profile.spec[operation];
      if (operation === undefined || schema === undefined) return [];
      const body = isRecord(request.body) ? request.body : {};
      const credentials =
        profile.auth === "none" && request.headers.authorization !== undefined
          ? ["a server configured without a key got an Authorization header"]
          : [];
      return [
        ...validator.validate(schema, request.body),
        ...(profile.rules?.(operation, body) ?? []),
        ...credentials,
      ];
    },
    respond: (request, violations, sequence) => {
      const operation = operationOf(request);
      if (operation === undefined) return json(404, profile.errorBody(404, `No route for ${request.path}`));
      if (profile.auth === "required" && !/^Bearer \S+/.test(request.headers.authorization ?? "")) {
        return json(401, profile.errorBody(401, "Invalid API key.", "invalid_api_key"));
      }
      if (violations.length > 0) return json(400, profile.errorBody(400, violations.join("; ")));
      const body = isRecord(request.body) ? request.body : {};
      if (operation === "chat") return chat(profile, body, sequence);
      if (operation === "completions") return completions(profile, body, sequence);
      return json(200, embeddings(body));
    },
  });
}

function chat(profile: CompatibleMockProfile, body: JsonRecord, sequence: number): ScriptedResponse {
  const messages = arrayOf(body.messages);
  const firstTool = arrayOf(body.tools)[0];
  const toolFunction = isRecord(firstTool) && isRecord(firstTool.function) ? firstTool.function : {};
  const last = lastUserText(messages);
  const reply = echoChat({
    id: `chatcmpl-mock-${sequence}`,
    toolCallId: profile.toolCallId?.(sequence) ?? `call_mock_${sequence}`,
    model: typeof body.model === "string" ? body.model : "unknown",
    texts: messageTexts(messages),
    lastUserText: last,
    firstToolName: typeof toolFunction.name === "string" ? toolFunction.name : undefined,
    // A reasoning model thinks when asked to (`reasoning_effort`, other than `none`).
    reasoning: typeof body.reasoning_effort === "string" && body.reasoning_effort !== "none",
  });
  const options = { ...reply, n: typeof body.n === "number" ? body.n : 1 };
  const reasoning = reply.thinking ?? (wantsReasoning(last) ? REASONING_TEXT : undefined);
  if (body.stream !== true) {
    const whole = openAIChatCompletion(options) as JsonRecord;
    whole.choices = arrayOf(whole.choices).map((choice) =>
      isRecord(choice) && isRecord(choice.message) && reasoning !== undefined
        ? { ...choice, message: withReasoning(profile, choice.message, reasoning) }
        : choice,
    );
    return json(200, profile.chatBody?.(whole) ?? whole);
  }
  const asked = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  return {
    kind: "stream",
    frames: compatibleStreamFrames(profile, { ...options, includeUsage: asked }, reasoning),
  };
}

/**
 * The frames of a chat stream as the provider sends it (its data prefix, leading comments, where its usage goes),
 * for `input`; exported so tests can script streams in the provider's exact framing.
 */
export function compatibleStreamFrames(
  profile: CompatibleMockProfile,
  input: OpenAIStreamOptions,
  reasoning?: string,
): string[] {
  const usage = profile.streamUsage ?? "when-asked";
  const chunks: JsonRecord[] = openAIChatChunks({
    ...input,
    includeUsage: usage === "when-asked" && input.includeUsage === true,
  });
  if (reasoning !== undefined) {
    // A model reasons before it answers: after the role chunk of a text answer, before a tool call's first chunk.
    const first = chunks[0] ?? {};
    const callsFirst = JSON.stringify(first).includes('"tool_calls"');
    chunks.splice(callsFirst ? 0 : 1, 0, reasoningChunk(profile, first, reasoning));
  }
  if (usage !== "when-asked") {
    const chat = completeMockChat(input, { id: "chatcmpl-mock", model: "gpt-4o-mini" });
    moveUsageToLastChunk(chunks, chat.inputTokens, (input.n ?? 1) * chat.outputTokens, usage);
  }
  return streamFrames(
    profile,
    chunks.map((chunk) => profile.chunk?.(chunk) ?? chunk),
  );
}

/** The first chunk's envelope with a delta holding only the reasoning, in the provider's place for it. */
function reasoningChunk(profile: CompatibleMockProfile, first: JsonRecord, text: string): JsonRecord {
  const choice = { index: 0, delta: withReasoning(profile, {}, text), logprobs: null, finish_reason: null };
  return { ...first, choices: [choice] };
}

function withReasoning(profile: CompatibleMockProfile, message: JsonRecord, text: string): JsonRecord {
  const content = typeof message.content === "string" ? message.content : "";
  switch (profile.reasoning) {
    case "reasoning_content":
    case "reasoning":
      return { ...message, [profile.reasoning]: text };
    case "thinking-chunks":
      // https://docs.mistral.ai/capabilities/reasoning/
      return {
        ...message,
        content: [
          { type: "thinking", thinking: [{ type: "text", text }] },
          ...(content === "" ? [] : [{ type: "text", text: content }]),
        ],
      };
    case "reasoning-parts":
      return {
        ...message,
        content: [
          { type: "reasoning", summary: [{ type: "summary_text", text }] },
          ...(content === "" ? [] : [{ type: "text", text: content }]),
        ],
      };
  }
}

function moveUsageToLastChunk(
  chunks: JsonRecord[],
  prompt: number,
  completion: number,
  where: "last-chunk" | "x_groq",
): void {
  const last = chunks.at(-1);
  if (last === undefined) return;
  const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (where === "last-chunk") last.usage = usage;
  else last.x_groq = { id: "req_mock", usage };
}

/** The frames of a legacy completions stream as the provider sends it (see compatibleStreamFrames). */
export function compatibleCompletionFrames(
  profile: CompatibleMockProfile,
  options: OpenAICompletionOptions & { includeUsage?: boolean },
): string[] {
  const usage = profile.streamUsage ?? "when-asked";
  const chunks: JsonRecord[] = openAICompletionChunks({
    ...options,
    includeUsage: usage === "when-asked" && options.includeUsage === true,
  });
  if (usage !== "when-asked") {
    const text = options.text ?? "Hello!";
    moveUsageToLastChunk(chunks, options.promptTokens ?? 0, countWords(text), usage);
  }
  return streamFrames(profile, chunks);
}

function completions(profile: CompatibleMockProfile, body: JsonRecord, sequence: number): ScriptedResponse {
  const prompts = promptTexts(body.prompt);
  const n = typeof body.n === "number" ? body.n : 1;
  const model = typeof body.model === "string" ? body.model : "unknown";
  const textFor = (prompt: string) => `${body.echo === true ? prompt : ""}Echo: ${prompt}`;
  if (body.stream === true) {
    const asked = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const prompt = prompts[0] ?? "";
    const frames = compatibleCompletionFrames(profile, {
      id: `cmpl-mock-${sequence}`,
      model,
      text: textFor(prompt),
      promptTokens: countWords(prompt),
      includeUsage: asked,
    });
    return { kind: "stream", frames };
  }
  const answers = prompts.map((prompt) =>
    openAICompletion({
      id: `cmpl-mock-${sequence}`,
      model,
      text: textFor(prompt),
      promptTokens: countWords(prompt),
      n,
    }),
  );
  const [first] = answers;
  const choices = answers.flatMap((answer, position) =>
    answer.choices.map((choice) => ({ ...choice, index: position * n + choice.index })),
  );
  const sum = (key: "prompt_tokens" | "completion_tokens" | "total_tokens") =>
    answers.reduce((total, answer) => total + answer.usage[key], 0);
  const usage = {
    prompt_tokens: sum("prompt_tokens"),
    completion_tokens: sum("completion_tokens"),
    total_tokens: sum("total_tokens"),
  };
  return json(200, { ...first, choices, usage });
}

/**
 * OpenAI's four prompt shapes (string, strings, token ids, lists of token ids): a token-id prompt is one prompt,
 * read as its numbers joined with spaces (one "word" per token), as embeddings read token input.
 */
function promptTexts(prompt: unknown): string[] {
  if (!Array.isArray(prompt)) return [textOf(prompt)];
  if (prompt.length > 0 && prompt.every((item) => typeof item === "number")) return [prompt.join(" ")];
  return prompt.map((item) => (Array.isArray(item) ? item.join(" ") : textOf(item)));
}

/** Strings as they are; token arrays as their numbers joined with spaces (one "word" per token). */
function embeddings(body: JsonRecord) {
  const input = body.input;
  const texts =
    typeof input === "string"
      ? [input]
      : arrayOf(input).every((item) => typeof item === "number")
        ? [arrayOf(input).join(" ")]
        : arrayOf(input).map((item) => (Array.isArray(item) ? item.join(" ") : String(item)));
  const model = typeof body.model === "string" ? body.model : "unknown";
  return openAIEmbeddings(texts, model, body.encoding_format === "base64" ? "base64" : "float");
}

function streamFrames(profile: CompatibleMockProfile, chunks: JsonRecord[]): string[] {
  return [
    ...(profile.framing?.leadingComments ?? []).map((comment) => `: ${comment}\n\n`),
    ...chunks.map((chunk) => compatibleFrame(profile, chunk)),
    compatibleFrame(profile, "[DONE]"),
  ];
}

/** One SSE frame in the provider's framing (TGI writes `data:` without the space). */
export function compatibleFrame(profile: CompatibleMockProfile, data: unknown): string {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return `${profile.framing?.dataPrefix ?? "data: "}${text}\n\n`;
}

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body };
}
