import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/index.js";
import { invalidBody, parseBody } from "./body-validation.js";
import {
  CHAT_KEYS,
  type ChatMessageBody,
  type ChatRequestBody,
  chatRequestSchema,
} from "./chat-request-schema.js";
import { decodeSamplingFields } from "./sampling-fields.js";

/**
 * Decodes a `POST /v1/chat/completions` body. The body's `model` is the name of the gateway route to use.
 * Fields the gateway does not map (`user`, `logit_bias`, `parallel_tool_calls`, the legacy `functions` and
 * `function_call`, ...) are kept in `extra` and forwarded to the provider as they are.
 * Throws GatewayError("invalid_body") naming the field and what it allows.
 */
export function decodeOpenAIChatRequest(body: unknown): { routeName: string; request: ChatRequest } {
  const input = parseBody(chatRequestSchema, body);
  const { routeName, sampling } = decodeSamplingFields(input, CHAT_KEYS);
  // The sampling object is this request's own: completed in place rather than spread (DESIGN.md, performance rules).
  const request = sampling as ChatRequest;
  request.messages = input.messages.map(decodeMessage);
  const maxTokens = decodeMaxTokens(input);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  if (input.tools != null && input.tools.length > 0) request.tools = input.tools.map(decodeTool);
  if (input.tool_choice != null) request.toolChoice = decodeToolChoice(input.tool_choice);
  if (input.response_format != null) request.responseFormat = decodeResponseFormat(input.response_format);
  // `none` turns reasoning off (https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort).
  if (input.reasoning_effort != null && input.reasoning_effort !== "none")
    request.reasoning = { effort: input.reasoning_effort };
  if (input.parallel_tool_calls != null) request.parallelToolCalls = input.parallel_tool_calls;
  return { routeName, request };
}

/** `max_completion_tokens` superseded `max_tokens` (https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens); both mean the same limit here. */
function decodeMaxTokens(input: ChatRequestBody): number | undefined {
  const legacy = input.max_tokens ?? undefined;
  const current = input.max_completion_tokens ?? undefined;
  if (legacy !== undefined && current !== undefined && legacy !== current) {
    throw invalidBody(
      `'max_tokens' (${legacy}) and 'max_completion_tokens' (${current}) disagree: they set the same limit, so give one of them.`,
      ["max_completion_tokens"],
    );
  }
  return current ?? legacy;
}

function decodeMessage(message: ChatMessageBody): ChatMessage {
  const decoded: ChatMessage = {
    role: message.role,
    content: (message.content ?? null) as string | ContentPart[] | null,
  };
  const name = "name" in message ? message.name : undefined;
  if (typeof name === "string") decoded.name = name;
  if (message.role === "tool") decoded.toolCallId = message.tool_call_id;
  // DeepSeek's field for an earlier turn's reasoning, which its thinking mode wants back.
  if (message.role === "assistant" && typeof message.reasoning_content === "string") {
    decoded.reasoning = [{ text: message.reasoning_content }];
  }
  if (message.role === "assistant" && message.tool_calls != null && message.tool_calls.length > 0) {
    decoded.toolCalls = message.tool_calls.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    }));
  }
  return decoded;
}

function decodeTool(tool: NonNullable<ChatRequestBody["tools"]>[number]): ToolDefinition {
  const fn = tool.function;
  const decoded: ToolDefinition = { name: fn.name };
  if (fn.description != null) decoded.description = fn.description;
  if (fn.parameters != null) decoded.parameters = fn.parameters;
  if (fn.strict != null) decoded.strict = fn.strict;
  return decoded;
}

function decodeToolChoice(choice: NonNullable<ChatRequestBody["tool_choice"]>): ToolChoice {
  return typeof choice === "string" ? choice : { name: choice.function.name };
}

function decodeResponseFormat(format: NonNullable<ChatRequestBody["response_format"]>): ResponseFormat {
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  // `schema` is optional in OpenAI's API; without one any JSON object is allowed, which `{}` says too.
  const decoded: ResponseFormat = {
    type: "json_schema",
    name: format.json_schema.name,
    schema: format.json_schema.schema ?? {},
  };
  if (format.json_schema.strict != null) decoded.strict = format.json_schema.strict;
  return decoded;
}
