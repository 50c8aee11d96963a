import {
  type ChatMessage,
  type ChatRequest,
  type ContentPart,
  GatewayError,
  type Reasoning,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
} from "../../canonical/index.js";
import { isRecord, type JsonRecord, optionalString } from "../narrow.js";
import { decodeReasoningToken } from "../reasoning-token.js";
import type { DecodedChat, Untranslatable } from "../untranslatable.js";
import { ANTHROPIC_REASONING_ORIGIN } from "./chat-response.js";
import { decodeImageBlock } from "./image-block.js";
import type { CountTokensRequestBody, MessageBody, MessagesRequestBody } from "./messages-request-schema.js";

/** Anthropic's temperature runs from 0 to 1, the canonical one from 0 to 2 (see chat-request.ts). */
const CANONICAL_TEMPERATURE_SCALE = 2;

/** Request fields that only Anthropic's own servers can honour (state or tools kept there). */
const SERVER_SIDE_FIELDS = ["container", "mcp_servers", "context_management"] as const;

/**
 * Decodes a Messages API request (https://docs.anthropic.com/en/api/messages) into the canonical model:
 * `system` (string or text blocks) becomes one system message; a user turn's `tool_result` blocks become tool
 * messages before its other content; an assistant turn's thinking blocks become its reasoning (their signature,
 * or the gateway's token, says which upstreams may receive them), its text its content and its `tool_use` blocks
 * its tool calls. `thinking` is the reasoning request (a budget; `adaptive` takes `output_config.effort`),
 * `output_config.format` the response format, `top_k` a feature not every target has. Prompt-cache markers
 * (`cache_control`) and `metadata` only mean something to Anthropic and are not carried; server tools and their
 * blocks, documents and server-side state are listed as untranslatable.
 */
export function decodeMessagesRequest(input: MessagesRequestBody): DecodedChat {
  const decoded = decodePrompt(input);
  const request = decoded.request;
  request.maxTokens = input.max_tokens;
  if (input.temperature !== undefined) request.temperature = input.temperature * CANONICAL_TEMPERATURE_SCALE;
  if (input.top_p !== undefined) request.topP = input.top_p;
  if (input.top_k !== undefined) request.topK = input.top_k;
  if (input.stop_sequences !== undefined && input.stop_sequences.length > 0)
    request.stop = input.stop_sequences;
  if (input.stream === true) {
    request.stream = true;
    request.streamIncludeUsage = true;
  }
  return decoded;
}

/** The prompt part of a request, which count_tokens takes too. */
export function decodePrompt(input: CountTokensRequestBody): DecodedChat {
  const untranslatable: Untranslatable[] = [];
  const messages: ChatMessage[] = [];
  const system = systemText(input.system);
  if (system !== "") messages.push({ role: "system", content: system });
  input.messages.forEach((message, position) => {
    messages.push(...decodeMessage(message, `messages.${position}`, untranslatable));
  });
  const request: ChatRequest = { messages, extra: {} };
  const tools = decodeTools(input.tools ?? [], untranslatable);
  if (tools.length > 0) request.tools = tools;
  const choice = input.tool_choice;
  if (choice !== undefined) {
    request.toolChoice = decodeToolChoice(choice);
    if ("disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use === true)
      request.parallelToolCalls = false;
  }
  const effort = input.output_config?.effort ?? undefined;
  if (input.thinking?.type === "enabled") request.reasoning = { budgetTokens: input.thinking.budget_tokens };
  else if (input.thinking?.type === "adaptive") request.reasoning = effort === undefined ? {} : { effort };
  const format = input.output_config?.format;
  if (format != null) request.responseFormat = { type: "json_schema", name: "output", schema: format.schema };
  for (const field of SERVER_SIDE_FIELDS) {
    if ((input as JsonRecord)[field] != null) untranslatable.push({ what: `'${field}'`, param: field });
  }
  return { request, untranslatable };
}

function systemText(system: CountTokensRequestBody["system"]): string {
  if (system === undefined) return "";
  if (typeof system === "string") return system;
  return system.map((block) => block.text).join("\n\n");
}

function decodeMessage(message: MessageBody, param: string, untranslatable: Untranslatable[]): ChatMessage[] {
  if (typeof message.content === "string") return [{ role: message.role, content: message.content }];
  return message.role === "user"
    ? decodeUserTurn(message.content, param, untranslatable)
    : [decodeAssistantTurn(message.content, param, untranslatable)];
}

/** A user turn: its tool results as tool messages (first, as the API orders them), then the rest of it. */
function decodeUserTurn(
  blocks: JsonRecord[],
  param: string,
  untranslatable: Untranslatable[],
): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocks.forEach((block, index) => {
    const where = `${param}.content.${index}`;
    if (block.type === "tool_result") {
      const toolUseId = optionalString(block.tool_use_id);
      if (toolUseId === undefined) throw fieldRequired(`${where}.tool_use_id`);
      const content = block.content;
      results.push({
        role: "tool",
        toolCallId: toolUseId,
        content:
          content === undefined
            ? ""
            : typeof content === "string"
              ? content
              : decodeParts(Array.isArray(content) ? content : [], `${where}.content`, untranslatable),
      });
      return;
    }
    parts.push(...decodeParts([block], where, untranslatable, true));
  });
  return parts.length > 0 ? [...results, { role: "user", content: parts }] : results;
}

/** Text and images; anything else is untranslatable. `single`: the blocks are one block at `param`. */
function decodeParts(
  blocks: unknown[],
  param: string,
  untranslatable: Untranslatable[],
  single = false,
): ContentPart[] {
  const parts: ContentPart[] = [];
  blocks.forEach((block, index) => {
    const where = single ? param : `${param}.${index}`;
    if (!isRecord(block)) return;
    if (block.type === "text") {
      parts.push({ type: "text", text: optionalString(block.text) ?? "" });
      return;
    }
    const image = block.type === "image" ? decodeImageBlock(block) : undefined;
    if (image !== undefined) parts.push(image as ContentPart);
    else untranslatable.push({ what: `${String(block.type)} blocks`, param: where });
  });
  return parts;
}

function decodeAssistantTurn(
  blocks: JsonRecord[],
  param: string,
  untranslatable: Untranslatable[],
): ChatMessage {
  let text = "";
  const toolCalls: ToolCall[] = [];
  const reasoning: Reasoning[] = [];
  blocks.forEach((block, index) => {
    const where = `${param}.content.${index}`;
    switch (block.type) {
      case "text":
        text += optionalString(block.text) ?? "";
        return;
      case "tool_use":
        toolCalls.push({
          id: optionalString(block.id) ?? "",
          name: optionalString(block.name) ?? "",
          arguments: JSON.stringify(block.input ?? {}),
        });
        return;
      case "thinking": {
        const thought: Reasoning = { text: optionalString(block.thinking) ?? "" };
        const { origin, signature } = decodeReasoningToken(
          optionalString(block.signature) ?? "",
          ANTHROPIC_REASONING_ORIGIN,
        );
        thought.origin = origin;
        if (signature !== undefined && signature !== "") thought.signature = signature;
        reasoning.push(thought);
        return;
      }
      case "redacted_thinking":
        reasoning.push({
          text: "",
          redacted: optionalString(block.data) ?? "",
          origin: ANTHROPIC_REASONING_ORIGIN,
        });
        return;
      default:
        untranslatable.push({ what: `${String(block.type)} blocks`, param: where });
    }
  });
  const message: ChatMessage = {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
  };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  if (reasoning.length > 0) message.reasoning = reasoning;
  return message;
}

/**
 * Custom tools (no `type`, or `custom`) are function tools; every other type is one of Anthropic's own tools
 * (web search, code execution, computer use, text editor, bash, ...), which only Anthropic runs or defines.
 */
function decodeTools(tools: readonly JsonRecord[], untranslatable: Untranslatable[]): ToolDefinition[] {
  const decoded: ToolDefinition[] = [];
  tools.forEach((tool, position) => {
    const type = tool.type;
    if (type !== undefined && type !== null && type !== "custom") {
      untranslatable.push({ what: `the ${String(type)} tool`, param: `tools.${position}` });
      return;
    }
    const name = optionalString(tool.name);
    if (name === undefined || name === "") throw fieldRequired(`tools.${position}.name`);
    const definition: ToolDefinition = { name };
    const description = optionalString(tool.description);
    if (description !== undefined) definition.description = description;
    if (isRecord(tool.input_schema)) definition.parameters = tool.input_schema;
    if (tool.strict === true) definition.strict = true;
    decoded.push(definition);
  });
  return decoded;
}

function decodeToolChoice(choice: NonNullable<CountTokensRequestBody["tool_choice"]>): ToolChoice {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { name: choice.name };
  }
}

function fieldRequired(param: string): GatewayError {
  return new GatewayError("invalid_body", `${param}: Field required`, { param });
}
