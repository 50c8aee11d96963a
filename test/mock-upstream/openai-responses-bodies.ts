import {
  completeMockChat,
  MOCK_CREATED_S,
  type MockChat,
  type MockChatInput,
  splitPieces,
  splitWords,
} from "./echo-rules.js";
import { sseFrame } from "./sse-frame.js";

/**
 * OpenAI Responses API wire bodies (https://platform.openai.com/docs/api-reference/responses), built from
 * provider-neutral inputs. Exported so tests can script modified answers.
 */

const DEFAULTS = { id: "resp_mock", model: "gpt-5-codex" };

export interface ResponsesOptions extends MockChatInput {
  /** `include` asked for `reasoning.encrypted_content`. */
  includeEncrypted?: boolean;
  /** The request fields a Response repeats. */
  echo?: Record<string, unknown>;
}

/** The encrypted reasoning the mock gives: "enc_" + the response id (echo-rules.ts). */
export function responsesEncryptedContent(responseId: string): string {
  return `enc_${responseId}`;
}

function suffix(chat: MockChat): string {
  return chat.id.replace(/^resp_/, "");
}

function outputItems(chat: MockChat, includeEncrypted: boolean): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  if (chat.thinking !== undefined) {
    items.push({
      id: `rs_${suffix(chat)}`,
      type: "reasoning",
      summary: [{ type: "summary_text", text: chat.thinking }],
      encrypted_content: includeEncrypted ? responsesEncryptedContent(chat.id) : null,
    });
  }
  if (chat.text !== undefined) {
    items.push({
      id: `msg_${suffix(chat)}`,
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: chat.text, annotations: [], logprobs: [] }],
    });
  }
  if (chat.toolCall !== undefined) {
    items.push({
      id: `fc_${suffix(chat)}`,
      type: "function_call",
      status: "completed",
      call_id: chat.toolCall.id,
      name: chat.toolCall.name,
      arguments: chat.toolCall.argumentsJson,
    });
  }
  return items;
}

function usageOf(chat: MockChat) {
  return {
    input_tokens: chat.inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: chat.outputTokens,
    output_tokens_details: { reasoning_tokens: chat.reasoningTokens },
    total_tokens: chat.inputTokens + chat.outputTokens,
  };
}

function responseBody(
  chat: MockChat,
  options: ResponsesOptions,
  status: string,
  output: unknown[],
  usage: unknown,
) {
  return {
    id: chat.id,
    object: "response",
    created_at: MOCK_CREATED_S,
    status,
    completed_at: status === "completed" ? MOCK_CREATED_S : null,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: chat.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    ...(usage === null ? {} : { usage }),
    metadata: {},
    ...options.echo,
  };
}

/** A whole Response (POST /v1/responses without `stream`). */
export function openAIResponse(options: ResponsesOptions = {}) {
  const chat = completeMockChat(options, DEFAULTS);
  return responseBody(
    chat,
    options,
    "completed",
    outputItems(chat, options.includeEncrypted === true),
    usageOf(chat),
  );
}

/**
 * The events of a Responses stream, as the API sends them: response.created and response.in_progress; per
 * output item output_item.added, its content (a reasoning summary word by word, a message's text word by word,
 * a function call's arguments in pieces) and output_item.done; response.completed with the whole response.
 * Every event names its type as the SSE event and carries a sequence_number from 0.
 */
export function openAIResponseStreamEvents(
  options: ResponsesOptions = {},
): { event: string; data: Record<string, unknown> }[] {
  const chat = completeMockChat(options, DEFAULTS);
  const items = outputItems(chat, options.includeEncrypted === true);
  let sequence = 0;
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const push = (type: string, fields: Record<string, unknown>) =>
    events.push({ event: type, data: { type, ...fields, sequence_number: sequence++ } });
  const started = responseBody(chat, options, "in_progress", [], null);
  push("response.created", { response: started });
  push("response.in_progress", { response: started });
  items.forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === "reasoning") {
      push("response.output_item.added", { output_index, item: { ...item, summary: [] } });
      const text = chat.thinking ?? "";
      const part = { type: "summary_text", text };
      push("response.reasoning_summary_part.added", {
        item_id,
        output_index,
        summary_index: 0,
        part: { ...part, text: "" },
      });
      for (const word of splitWords(text))
        push("response.reasoning_summary_text.delta", {
          item_id,
          output_index,
          summary_index: 0,
          delta: word,
        });
      push("response.reasoning_summary_text.done", { item_id, output_index, summary_index: 0, text });
      push("response.reasoning_summary_part.done", { item_id, output_index, summary_index: 0, part });
    } else if (item.type === "message") {
      const text = chat.text ?? "";
      const part = { type: "output_text", text, annotations: [], logprobs: [] };
      push("response.output_item.added", {
        output_index,
        item: { ...item, status: "in_progress", content: [] },
      });
      push("response.content_part.added", {
        item_id,
        output_index,
        content_index: 0,
        part: { ...part, text: "" },
      });
      for (const word of splitWords(text))
        push("response.output_text.delta", {
          item_id,
          output_index,
          content_index: 0,
          delta: word,
          logprobs: [],
        });
      push("response.output_text.done", { item_id, output_index, content_index: 0, text, logprobs: [] });
      push("response.content_part.done", { item_id, output_index, content_index: 0, part });
    } else {
      const args = String(item.arguments);
      push("response.output_item.added", {
        output_index,
        item: { ...item, status: "in_progress", arguments: "" },
      });
      for (const piece of splitPieces(args))
        push("response.function_call_arguments.delta", { item_id, output_index, delta: piece });
      push("response.function_call_arguments.done", {
        item_id,
        output_index,
        name: item.name,
        arguments: args,
      });
    }
    push("response.output_item.done", { output_index, item });
  });
  push("response.completed", { response: responseBody(chat, options, "completed", items, usageOf(chat)) });
  return events;
}

export function openAIResponseStreamFrames(options: ResponsesOptions = {}): string[] {
  return openAIResponseStreamEvents(options).map(({ event, data }) => sseFrame(data, event));
}
