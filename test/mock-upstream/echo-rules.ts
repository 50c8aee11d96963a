/**
 * The deterministic rules behind every default mock answer, in one place so tests can compute the numbers
 * they expect. The mocks never import the gateway: these rules are the whole "model".
 *
 * - words(s)        = s.split(/\s+/) without empty strings; countWords(s) = words(s).length.
 * - textOf(content) = a string as is; an array: textOf of each item, empty ones dropped, joined with " ";
 *                     an object: its `text` when that is a string, else textOf(its `content`); else "".
 * - Chat reply      = "Echo: " + textOf(content of the last message whose role is "user").
 *   Prefill (Anthropic): when the last message is the assistant's (text P), the reply continues it: the rest
 *                     of that echo text after P when it starts with P (after P's trailing whitespace), else
 *                     the whole echo text. outputTokens counts the continuation only.
 *   Tool call       : instead, when the request has a non-empty `tools` list and that last user text contains
 *                     "call a tool" (case-insensitive): a call to the first tool with arguments
 *                     TOOL_CALL_ARGUMENTS = '{"city":"Paris"}'.
 * - Reasoning       : when the request asks for it (Anthropic/Cohere `thinking`, OpenAI and the compatible
 *                     providers' `reasoning_effort`, Responses `reasoning.effort`, Gemini `thinkingConfig` with
 *                     `includeThoughts`, Bedrock's `additionalModelRequestFields.thinking`), the model first thinks
 *                     THINKING_PREFIX + that last user text;
 *                     reasoningTokens = countWords(thinking), counted in outputTokens too. Anthropic signs it
 *                     "sig_" + message id; OpenAI's Responses API encrypts it as "enc_" + response id; Gemini
 *                     signs base64("<gemini|vertex>-mock-sig-" + sequence) (on the function call, else the last
 *                     part), Bedrock "sig_bedrock_mock_" + sequence; Gemini reports thoughtsTokenCount.
 * - inputTokens     = sum of countWords(textOf(content)) over all messages (plus the Anthropic `system`).
 * - outputTokens    = countWords(reply text), or countWords(TOOL_CALL_ARGUMENTS) = 1 for a tool call, plus
 *                     reasoningTokens.
 *                     OpenAI with `n` > 1: n identical choices, completion_tokens = n * outputTokens.
 * - Reasoning       : when that last user text contains "think first" (case-insensitive), the OpenAI-compatible
 *                     mocks add REASONING_TEXT as the reasoning, in their provider's field (not counted in tokens).
 * - Legacy completions: text = "Echo: " + textOf(prompt), prompt_tokens = countWords(textOf(prompt)); with
 *                     `echo: true` the prompt comes first; a prompt list gets one choice per prompt (and per `n`);
 *                     a token-id prompt is one prompt, read as its ids joined with spaces.
 * - Embedding of a text t: [t.length, countWords(t), 0.5, -0.5]; usage = sum of countWords over the inputs.
 *   OpenAI with `encoding_format: "base64"`: each vector as base64 of its little-endian float32 values.
 * - Ids: "<prefix><sequence>", where sequence is the request's 1-based position since the last reset():
 *   OpenAI chatcmpl-mock-N, cmpl-mock-N, tool call call_mock_N; Anthropic msg_mock_N, toolu_mock_N;
 *   Cohere chat-mock-N, <tool name>_mockN, embed-mock-N, error-mock-N.
 * - Usage shapes: Anthropic message_start reports output_tokens 1 (as the real API does), message_delta the
 *   final count; Cohere puts the same numbers in usage.billed_units and usage.tokens.
 * - Timestamps: MOCK_CREATED_S.
 * - Streams: text is sent word by word (splitWords: "Echo: a b" -> "Echo:", " a", " b"); tool arguments in
 *   pieces of ARGUMENT_PIECE_CHARS characters (splitPieces).
 */
import { isRecord } from "./json-narrowing.js";

export const MOCK_CREATED_S = 1_700_000_000;
export const TOOL_TRIGGER = "call a tool";
export const TOOL_CALL_ARGUMENTS = '{"city":"Paris"}';
export const ARGUMENT_PIECE_CHARS = 5;
export const THINKING_PREFIX = "Thinking about: ";
export const REASONING_TRIGGER = "think first";
export const REASONING_TEXT = "Thinking it over step by step.";

/** Whether a request's last user text asks for the reasoning rule. */
export function wantsReasoning(lastUser: string): boolean {
  return lastUser.toLowerCase().includes(REASONING_TRIGGER);
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map(textOf)
      .filter((text) => text !== "")
      .join(" ");
  }
  if (isRecord(content)) return typeof content.text === "string" ? content.text : textOf(content.content);
  return "";
}

/** Word by word, each word after the first keeping its leading whitespace, so the pieces join back exactly. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

export function splitPieces(text: string, size = ARGUMENT_PIECE_CHARS): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

export function embeddingFor(text: string): number[] {
  return [text.length, countWords(text), 0.5, -0.5];
}

export interface MockToolCall {
  id: string;
  name: string;
  /** The arguments as the JSON text the provider sends. */
  argumentsJson: string;
}

/** One chat answer, independent of any provider's shape; the per-provider builders render it. */
export interface MockChat {
  id: string;
  model: string;
  /** The assistant text; undefined when the answer is only a tool call. */
  text: string | undefined;
  toolCall: MockToolCall | undefined;
  /** What the model reasoned first; undefined when the request asked for no reasoning. */
  thinking: string | undefined;
  inputTokens: number;
  outputTokens: number;
  /** Of outputTokens, spent on reasoning. */
  reasoningTokens: number;
  /** Of inputTokens, read from and written to a prompt cache (Anthropic's cache_control). */
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** What a test passes to a builder: anything left out gets a default (text "Hello!" unless a tool call is
 * given, outputTokens from the word count, inputTokens 0). */
export interface MockChatInput {
  id?: string;
  model?: string;
  text?: string;
  toolCall?: { id?: string; name: string; argumentsJson?: string };
  thinking?: string;
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export function completeMockChat(input: MockChatInput, defaults: { id: string; model: string }): MockChat {
  const toolCall =
    input.toolCall === undefined
      ? undefined
      : {
          id: input.toolCall.id ?? `call_${defaults.id}`,
          name: input.toolCall.name,
          argumentsJson: input.toolCall.argumentsJson ?? TOOL_CALL_ARGUMENTS,
        };
  const text = input.text ?? (toolCall === undefined ? "Hello!" : undefined);
  const reasoningTokens = input.reasoningTokens ?? countWords(input.thinking ?? "");
  return {
    id: input.id ?? defaults.id,
    model: input.model ?? defaults.model,
    text,
    toolCall,
    thinking: input.thinking,
    inputTokens: input.inputTokens ?? 0,
    outputTokens: input.outputTokens ?? countWords(text ?? toolCall?.argumentsJson ?? "") + reasoningTokens,
    reasoningTokens,
    cacheReadTokens: input.cacheReadTokens ?? 0,
    cacheWriteTokens: input.cacheWriteTokens ?? 0,
  };
}

export interface EchoRequest {
  id: string;
  toolCallId: string;
  model: string;
  /** The text of every message (and system prompt) of the request, for the input token count. */
  texts: string[];
  lastUserText: string;
  firstToolName: string | undefined;
  /** The text of a trailing assistant message (a prefill the reply continues), if any. */
  prefill?: string | undefined;
  /** Whether the request asks the model to reason first. */
  reasoning?: boolean;
}

/** Applies the rules above to a request already reduced to its texts. */
export function echoChat(request: EchoRequest): MockChat {
  const inputTokens = request.texts.reduce((sum, text) => sum + countWords(text), 0);
  const thinking = request.reasoning === true ? { thinking: THINKING_PREFIX + request.lastUserText } : {};
  const wantsTool =
    request.firstToolName !== undefined && request.lastUserText.toLowerCase().includes(TOOL_TRIGGER);
  if (wantsTool && request.firstToolName !== undefined) {
    return completeMockChat(
      { inputTokens, ...thinking, toolCall: { id: request.toolCallId, name: request.firstToolName } },
      request,
    );
  }
  const echo = `Echo: ${request.lastUserText}`;
  const prefill = request.prefill;
  const text =
    prefill !== undefined && prefill !== "" && echo.startsWith(prefill) ? echo.slice(prefill.length) : echo;
  return completeMockChat({ inputTokens, ...thinking, text }, request);
}

/** The text of the last message when it is the assistant's: a prefill to continue. */
export function prefillText(messages: unknown[]): string | undefined {
  const last = messages.at(-1);
  return isRecord(last) && last.role === "assistant" ? textOf(last.content) : undefined;
}

/** The text of the last message with role "user" in a provider's `messages` list. */
export function lastUserText(messages: unknown[]): string {
  const last = messages.filter((message) => isRecord(message) && message.role === "user").at(-1);
  return isRecord(last) ? textOf(last.content) : "";
}

export function messageTexts(messages: unknown[]): string[] {
  return messages.map((message) => (isRecord(message) ? textOf(message.content) : ""));
}
