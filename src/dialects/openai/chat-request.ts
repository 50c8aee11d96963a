import {
  type ChatMessage,
  type ChatRequest,
  effortOf,
  type ToolChoice,
  type ToolDefinition,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { encodeResponseFormat } from "./response-format.js";

/**
 * Encodes a canonical chat request as an OpenAI `POST /chat/completions` body.
 * `model` is null for Azure OpenAI, where the deployment in the URL names the model.
 * See https://platform.openai.com/docs/api-reference/chat/create
 *
 * Reasoning becomes `reasoning_effort` (a budget is converted by BUDGET_OF_EFFORT). Reasoning models refuse
 * `max_tokens` and take `max_completion_tokens`, which also covers the reasoning tokens
 * (https://platform.openai.com/docs/guides/reasoning#controlling-costs), so a reasoning request sends that.
 * The chat API takes no reasoning back, so earlier turns' reasoning is left out.
 */
export function encodeChatRequest(request: ChatRequest, model: string | null): JsonRecord {
  const body: JsonRecord = {};
  if (model !== null) body.model = model;
  body.messages = request.messages.map(encodeMessage);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) {
    body[request.reasoning === undefined ? "max_tokens" : "max_completion_tokens"] = request.maxTokens;
  }
  if (request.reasoning !== undefined) body.reasoning_effort = effortOf(request.reasoning);
  if (request.parallelToolCalls !== undefined && request.tools !== undefined)
    body.parallel_tool_calls = request.parallelToolCalls;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.n !== undefined) body.n = request.n;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools !== undefined) body.tools = request.tools.map(encodeTool);
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined)
    body.response_format = encodeResponseFormat(request.responseFormat);
  if (request.stream) {
    body.stream = true;
    if (request.streamIncludeUsage) body.stream_options = { include_usage: true };
  }
  return Object.assign(body, request.extra);
}

function encodeMessage(message: ChatMessage): JsonRecord {
  const wire: JsonRecord = { role: message.role, content: message.content };
  if (message.name !== undefined) wire.name = message.name;
  if (message.toolCallId !== undefined) wire.tool_call_id = message.toolCallId;
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
