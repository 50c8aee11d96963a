import type {
  ChatMessage,
  ChatRequest,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { invalidBody, parseBody } from "../openai/body-validation.js";
import type { DecodedChat, Untranslatable } from "../untranslatable.js";
import { decodeInputItems } from "./input-items.js";
import { parseFunctionTool, type ResponsesRequestBody, responsesRequestSchema } from "./request-schema.js";

/**
 * Validates a `POST /v1/responses` body; the model names the route. Throws GatewayError("invalid_body") naming
 * the field, in OpenAI's words.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequestBody {
  return parseBody(responsesRequestSchema, body);
}

/**
 * Decodes a Responses request into the canonical model (https://platform.openai.com/docs/api-reference/responses):
 * `instructions` is a system message before the input; `max_output_tokens` the token limit (it covers reasoning
 * too, as the canonical one does); `reasoning.effort` the reasoning request (`none` asks for none);
 * `text.format` the response format; function tools and `tool_choice` as in chat. Everything the canonical model
 * cannot carry (built-in tools, a non-function tool choice, built-in tool items, `background`, stored `prompt`
 * templates, `conversation`) is listed as untranslatable; stateful fields (`previous_response_id`, `store`) are
 * the API's business, not the model's. Sampling fields the gateway does not model are not forwarded: they are
 * OpenAI's, and a translated request goes to another provider.
 */
export function decodeResponsesRequest(input: ResponsesRequestBody): DecodedChat {
  const untranslatable: Untranslatable[] = [];
  const messages: ChatMessage[] = [];
  if (input.instructions != null && input.instructions !== "")
    messages.push({ role: "system", content: input.instructions });
  if (typeof input.input === "string") messages.push({ role: "user", content: input.input });
  else if (input.input != null)
    messages.push(...decodeInputItems(input.input as JsonRecord[], untranslatable));
  if (messages.length === 0) {
    throw invalidBody("Missing required parameter: 'input'.", ["input"]);
  }
  const request: ChatRequest = { messages, extra: {} };
  if (input.max_output_tokens != null) request.maxTokens = input.max_output_tokens;
  if (input.temperature != null) request.temperature = input.temperature;
  if (input.top_p != null) request.topP = input.top_p;
  if (input.stream === true) {
    request.stream = true;
    request.streamIncludeUsage = true;
  }
  if (input.parallel_tool_calls != null) request.parallelToolCalls = input.parallel_tool_calls;
  const effort = input.reasoning?.effort;
  if (effort != null && effort !== "none") {
    request.reasoning = { effort };
    if (input.reasoning?.summary != null) request.reasoning.summary = input.reasoning.summary;
  }
  const tools = decodeTools(input.tools ?? [], untranslatable);
  if (tools.length > 0) request.tools = tools;
  if (input.tool_choice != null) {
    const choice = decodeToolChoice(input.tool_choice, untranslatable);
    if (choice !== undefined) request.toolChoice = choice;
  }
  const format = input.text?.format;
  if (format != null) request.responseFormat = decodeFormat(format);
  for (const field of ["prompt", "conversation"] as const) {
    if (input[field] != null)
      untranslatable.push({ what: `'${field}' (state kept by OpenAI)`, param: field });
  }
  if (input.background === true) untranslatable.push({ what: "background responses", param: "background" });
  return { request, untranslatable };
}

function decodeTools(tools: readonly JsonRecord[], untranslatable: Untranslatable[]): ToolDefinition[] {
  const decoded: ToolDefinition[] = [];
  tools.forEach((tool, position) => {
    if (tool.type !== "function") {
      untranslatable.push({ what: `the built-in '${String(tool.type)}' tool`, param: `tools.${position}` });
      return;
    }
    const parsed = parseFunctionTool(tool);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ["tools", position, ...(issue?.path ?? [])];
      throw invalidBody(`Invalid '${path.join(".")}': ${issue?.message ?? "not a function tool"}.`, path);
    }
    const definition: ToolDefinition = { name: parsed.data.name };
    if (parsed.data.description != null) definition.description = parsed.data.description;
    if (parsed.data.parameters != null) definition.parameters = parsed.data.parameters;
    if (parsed.data.strict != null) definition.strict = parsed.data.strict;
    decoded.push(definition);
  });
  return decoded;
}

function decodeToolChoice(
  choice: NonNullable<ResponsesRequestBody["tool_choice"]>,
  untranslatable: Untranslatable[],
): ToolChoice | undefined {
  if (typeof choice === "string") return choice;
  if (choice.type === "function" && typeof choice.name === "string") return { name: choice.name };
  untranslatable.push({ what: `a tool_choice of type '${choice.type}'`, param: "tool_choice" });
  return undefined;
}

function decodeFormat(
  format: NonNullable<NonNullable<ResponsesRequestBody["text"]>["format"]>,
): ResponseFormat {
  if (format.type === "json_schema") {
    const decoded: ResponseFormat = { type: "json_schema", name: format.name, schema: format.schema };
    if (format.strict != null) decoded.strict = format.strict;
    return decoded;
  }
  return { type: format.type };
}
