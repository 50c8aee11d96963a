import {
  type ChatMessage,
  type ChatRequest,
  effortOf,
  reasoningText,
  type ToolChoice,
  type ToolDefinition,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { encodeResponseFormat } from "./response-format.js";
import { encodeSamplingFields, encodeStreamFields } from "./sampling-encoder.js";

/**
 * Encodes a canonical chat request as an OpenAI `POST /chat/completions` body.
 * `model` is null for Azure OpenAI, where the deployment in the URL names the model.
 * See https://platform.openai.com/docs/api-reference/chat/create
 *
 * Reasoning becomes `reasoning_effort` (a budget is converted by BUDGET_OF_EFFORT). Reasoning models refuse
 * `max_tokens` and take `max_completion_tokens`, which also covers the reasoning tokens
 * (https://platform.openai.com/docs/guides/reasoning#controlling-costs), so a reasoning request sends that;
 * OpenAI-compatible servers know `max_tokens` (`reasoningLimit`), which covers their reasoning too.
 * OpenAI's chat API takes no reasoning back; earlier turns' reasoning text goes as `reasoning_content`, which
 * OpenAI ignores and DeepSeek's thinking mode wants back.
 */
export function encodeChatRequest(
  request: ChatRequest,
  model: string | null,
  reasoningLimit: "max_completion_tokens" | "max_tokens" = "max_completion_tokens",
): JsonRecord {
  const body: JsonRecord = {};
  if (model !== null) body.model = model;
  body.messages = request.messages.map(encodeMessage);
  encodeSamplingFields(request, body);
  if (request.reasoning !== undefined) {
    if (request.maxTokens !== undefined && reasoningLimit === "max_completion_tokens") {
      delete body.max_tokens;
      body.max_completion_tokens = request.maxTokens;
    }
    body.reasoning_effort = effortOf(request.reasoning);
  }
  if (request.parallelToolCalls !== undefined && request.tools !== undefined)
    body.parallel_tool_calls = request.parallelToolCalls;
  if (request.tools !== undefined) body.tools = request.tools.map(encodeTool);
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined)
    body.response_format = encodeResponseFormat(request.responseFormat);
  encodeStreamFields(request, body);
  return Object.assign(body, request.extra);
}

function encodeMessage(message: ChatMessage): JsonRecord {
  const wire: JsonRecord = { role: message.role, content: message.content };
  if (message.name !== undefined) wire.name = message.name;
  if (message.toolCallId !== undefined) wire.tool_call_id = message.toolCallId;
  // DeepSeek's thinking mode wants earlier turns' reasoning back (https://api-docs.deepseek.com/guides/thinking_mode).
  const reasoning = reasoningText(message.reasoning);
  if (reasoning !== "") wire.reasoning_content = reasoning;
  if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
    wire.tool_calls = message.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return wire;
}

function encodeTool(tool: ToolDefinition): JsonRecord {
  const fn: JsonRecord = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.parameters !== undefined) fn.parameters = tool.parameters;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: "function", function: fn };
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}
