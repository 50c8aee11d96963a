import {
  budgetOf,
  type ChatRequest,
  GatewayError,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { encodeMessages } from "./chat-messages.js";

/**
 * Cohere's `p` must lie in [0.01, 0.99] (https://docs.cohere.com/v2/reference/chat#request.body.p), while the
 * canonical top_p allows 0 and 1. The nearest allowed value keeps the intent ("almost greedy", "no cut-off").
 */
const P_MIN = 0.01;
const P_MAX = 0.99;

/**
 * Encodes a canonical chat request as a Cohere v2 `POST /v2/chat` body.
 * See https://docs.cohere.com/v2/reference/chat
 *
 * Reasoning becomes `thinking: {type: "enabled", token_budget}` (an effort is converted by BUDGET_OF_EFFORT;
 * https://docs.cohere.com/docs/reasoning); `top_k` is Cohere's `k`.
 */
export function encodeChatRequest(request: ChatRequest, model: string): JsonRecord {
  if (request.n !== undefined && request.n > 1) {
    throw new GatewayError(
      "parameter_unsupported",
      `The cohere provider returns one candidate per request; the request must ask for a single candidate (got ${request.n}).`,
      { param: "n" },
    );
  }
  const body: JsonRecord = { model, messages: encodeMessages(request.messages) };
  // Canonical temperature is on OpenAI's 0..2 scale; Cohere's runs from 0 to 1.
  if (request.temperature !== undefined) body.temperature = request.temperature * 0.5;
  if (request.topP !== undefined) body.p = Math.min(P_MAX, Math.max(P_MIN, request.topP));
  if (request.topK !== undefined) body.k = request.topK;
  if (request.reasoning !== undefined)
    body.thinking = { type: "enabled", token_budget: budgetOf(request.reasoning) };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined) body.stop_sequences = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map(encodeTool);
    // v2 has one switch for all tools (https://docs.cohere.com/v2/docs/structured-outputs), so it is set only
    // when every tool asks for strict arguments.
    if (request.tools.every((tool) => tool.strict === true)) body.strict_tools = true;
  }
  if (request.toolChoice !== undefined) {
    const toolChoice = encodeToolChoice(request.toolChoice, request.tools ?? []);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }
  if (request.responseFormat !== undefined)
    body.response_format = encodeResponseFormat(request.responseFormat);
  // Cohere always reports usage in `message-end`, so `streamIncludeUsage` needs no field.
  if (request.stream) body.stream = true;
  return Object.assign(body, request.extra);
}

function encodeTool(tool: ToolDefinition): JsonRecord {
  // v2 requires `parameters`; a tool without arguments is an object schema with no properties.
  const fn: JsonRecord = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.parameters ?? { type: "object", properties: {} };
  return { type: "function", function: fn };
}

/**
 * v2's `tool_choice` is only `REQUIRED` or `NONE`; leaving it out is "auto"
 * (https://docs.cohere.com/v2/reference/chat#request.body.tool_choice). Forcing one named tool is the same as
 * `REQUIRED` only when it is the only tool offered; otherwise Cohere cannot express it.
 */
function encodeToolChoice(
  choice: ToolChoice,
  tools: readonly ToolDefinition[],
): "REQUIRED" | "NONE" | undefined {
  if (choice === "auto") return undefined;
  if (choice === "none") return "NONE";
  if (choice === "required") return "REQUIRED";
  const only = tools.length === 1 ? tools[0] : undefined;
  if (only !== undefined && only.name === choice.name) return "REQUIRED";
  throw new GatewayError(
    "parameter_unsupported",
    `The cohere provider cannot force a specific tool ('${choice.name}'): Cohere can only require that the model calls some tool. Use tool_choice "required", or offer only that tool.`,
    { param: "tool_choice" },
  );
}

/**
 * Cohere has one JSON mode, `json_object`, with an optional `json_schema`
 * (https://docs.cohere.com/v2/docs/structured-outputs). A schema's name has no place there, and Cohere always
 * enforces a given schema, so `name` and `strict` are not sent.
 */
function encodeResponseFormat(format: ResponseFormat): JsonRecord {
  if (format.type === "json_schema") return { type: "json_object", json_schema: format.schema };
  return { type: format.type };
}
