import {
  budgetOf,
  type ChatRequest,
  GatewayError,
  type ToolChoice,
  type ToolDefinition,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { continuesToolUseWithoutThinking } from "../thinking-continuity.js";
import { ANTHROPIC_REASONING_ORIGIN } from "./chat-response.js";
import { encodeConversation } from "./conversation.js";

/**
 * Anthropic's temperature runs from 0 to 1 (https://docs.anthropic.com/en/api/messages), the canonical one from
 * 0 to 2 (OpenAI's scale): the conversion is linear, so a value keeps its share of the range.
 */
const TEMPERATURE_SCALE = 0.5;

/**
 * Encodes a canonical chat request as a Messages API body (`POST /v1/messages`,
 * https://docs.anthropic.com/en/api/messages). `max_tokens` is required by the API, so `defaultMaxTokens` is used
 * when the request has none.
 *
 * A JSON schema response format is a structured output, `output_config.format`
 * (https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs); JSON mode, which names no schema, is
 * the schema of any object.
 *
 * Canonical fields with no Messages API counterpart are left out:
 * - `seed`: the API offers no deterministic sampling.
 * - `streamIncludeUsage`: Anthropic streams always report usage.
 *
 * Reasoning becomes `thinking: {type: "enabled", budget_tokens}` (an effort is converted by BUDGET_OF_EFFORT).
 * Thinking tokens count towards `max_tokens`, which must exceed the budget
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size):
 * a budget that does not fit under the client's `max_tokens` is cut to fit, and without a client limit the
 * default is raised above the budget.
 */
export function encodeChatRequest(request: ChatRequest, model: string, defaultMaxTokens: number): JsonRecord {
  if (request.n !== undefined && request.n > 1) {
    throw new GatewayError(
      "parameter_unsupported",
      `The anthropic provider returns one candidate per request; the request must ask for a single candidate (got ${request.n}).`,
      { param: "n" },
    );
  }
  const { system, messages } = encodeConversation(request.messages);
  const body: JsonRecord = { model };
  if (system !== undefined) body.system = system;
  body.messages = messages;
  body.max_tokens = request.maxTokens ?? defaultMaxTokens;
  // A turn answering tool calls made without Anthropic's thinking cannot think (thinking-continuity.ts).
  if (
    request.reasoning !== undefined &&
    !continuesToolUseWithoutThinking(request.messages, ANTHROPIC_REASONING_ORIGIN)
  ) {
    const budget = budgetOf(request.reasoning);
    if (request.maxTokens === undefined && budget >= defaultMaxTokens)
      body.max_tokens = budget + defaultMaxTokens;
    const maxTokens = body.max_tokens as number;
    body.thinking = {
      type: "enabled",
      budget_tokens: budget < maxTokens ? budget : Math.max(1, maxTokens - 1),
    };
  }
  if (request.temperature !== undefined) body.temperature = request.temperature * TEMPERATURE_SCALE;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stop !== undefined) body.stop_sequences = request.stop;
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  if (hasTools) body.tools = request.tools?.map(encodeTool);
  if (request.toolChoice !== undefined && (hasTools || !allowsNoToolCall(request.toolChoice))) {
    body.tool_choice = encodeToolChoice(request.toolChoice);
  }
  // One call per turn is a flag of the tool choice, which is then `auto` unless the request forced one.
  if (request.parallelToolCalls === false && hasTools) {
    const choice = (body.tool_choice as JsonRecord | undefined) ?? { type: "auto" };
    if (choice.type !== "none") body.tool_choice = { ...choice, disable_parallel_tool_use: true };
  }
  if (request.responseFormat !== undefined && request.responseFormat.type !== "text") {
    const schema =
      request.responseFormat.type === "json_schema" ? request.responseFormat.schema : { type: "object" };
    body.output_config = { format: { type: "json_schema", schema } };
  }
  if (request.stream) body.stream = true;
  // Last, so provider-specific fields (`top_k`, `metadata`, ...) reach the API as the client sent them.
  return Object.assign(body, request.extra);
}

/**
 * `strict` is dropped: the Messages API validates tool names and schemas but has no strict-mode flag for tools.
 * `input_schema` is required, so a tool without parameters gets the empty object schema.
 */
function encodeTool(tool: ToolDefinition): JsonRecord {
  const wire: JsonRecord = { name: tool.name };
  if (tool.description !== undefined) wire.description = tool.description;
  wire.input_schema = tool.parameters ?? { type: "object", properties: {} };
  return wire;
}

/**
 * "required" is Anthropic's `any`. `none` was added to the API in 2025 (older OpenAPI mirrors lack it):
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 */
function encodeToolChoice(choice: ToolChoice): JsonRecord {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  return { type: "tool", name: choice.name };
}

/**
 * Without tools, `auto` and `none` both mean "answer in text", which happens anyway, so they are left out rather
 * than sent with nothing to act on. A forced choice is still sent, so that the upstream reports the
 * contradiction instead of the gateway hiding it.
 */
function allowsNoToolCall(choice: ToolChoice): boolean {
  return choice === "auto" || choice === "none";
}
