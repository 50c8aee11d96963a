import {
  type ChatMessage,
  type ContentPart,
  GatewayError,
  type Reasoning,
  textOfContent,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { portableToolCallId } from "../portable-tool-call-id.js";
import { parseToolArguments } from "../tool-arguments.js";
import { ANTHROPIC_REASONING_ORIGIN } from "./chat-response.js";
import { encodeImagePart } from "./image-block.js";

/** A Messages API turn: Anthropic has only `user` and `assistant` roles in `messages`. */
interface Turn {
  role: "user" | "assistant";
  content: string | JsonRecord[];
}

export interface EncodedConversation {
  /** The system and developer messages' text, joined with blank lines; undefined when there is none. */
  system: string | undefined;
  messages: JsonRecord[];
}

/**
 * Encodes canonical messages as Messages API `system` + `messages`
 * (https://docs.anthropic.com/en/api/messages):
 * - there is no system role in `messages`, so system and developer messages, wherever they are, are lifted
 *   into the top-level `system`;
 * - tool results are `tool_result` blocks inside a user turn, and assistant tool calls are `tool_use` blocks;
 * - the API expects user and assistant turns to alternate, so consecutive same-role turns (an assistant turn
 *   answered by several tool messages, say) are merged into one.
 */
export function encodeConversation(messages: ChatMessage[]): EncodedConversation {
  const systemTexts: string[] = [];
  const turns: Turn[] = [];
  messages.forEach((message, position) => {
    if (message.role === "system" || message.role === "developer") {
      const text = textOfContent(message.content);
      if (text !== "") systemTexts.push(text);
      return;
    }
    const turn = encodeTurn(message, position);
    const previous = turns.at(-1);
    if (previous?.role === turn.role) previous.content = mergeContent(previous.content, turn.content);
    else turns.push(turn);
  });
  return {
    system: systemTexts.length > 0 ? systemTexts.join("\n\n") : undefined,
    messages: turns.map((turn) => ({ role: turn.role, content: turn.content })),
  };
}

function encodeTurn(message: ChatMessage, position: number): Turn {
  if (message.role === "tool") return { role: "user", content: [encodeToolResult(message, position)] };
  if (message.role === "assistant")
    return { role: "assistant", content: encodeAssistantContent(message, position) };
  // Anthropic has no per-message `name`; it is dropped.
  return { role: "user", content: encodeContent(message.content) };
}

function encodeContent(content: ChatMessage["content"]): string | JsonRecord[] {
  if (content === null) return "";
  if (typeof content === "string") return content;
  return encodeParts(content);
}

/**
 * Text parts keep their shape; image parts (OpenAI's `image_url`, the canonical image) become image blocks; other
 * parts pass through as they are. Empty text parts are dropped because the API rejects text blocks with empty
 * `text` (minLength 1 in CreateMessageParams).
 */
function encodeParts(parts: ContentPart[]): JsonRecord[] {
  return parts
    .filter((part) => !(part.type === "text" && part.text === ""))
    .map((part) => (part.type === "image_url" ? encodeImagePart(part) : { ...part }));
}

/**
 * An assistant turn: its reasoning first (the API requires an assistant turn that continues a tool use with
 * thinking to start with its thinking blocks, passed back unchanged:
 * https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks), then text,
 * then tool_use blocks.
 */
function encodeAssistantContent(message: ChatMessage, position: number): string | JsonRecord[] {
  const calls = message.toolCalls ?? [];
  const thoughts = (message.reasoning ?? []).flatMap(encodeReasoning);
  if (calls.length === 0 && thoughts.length === 0) return encodeContent(message.content);
  if (calls.length === 0) return [...thoughts, ...toBlocks(encodeContent(message.content))];
  const toolUses = calls.map((call, callIndex) => ({
    type: "tool_use",
    id: portableToolCallId(call.id),
    name: call.name,
    input: parseToolArguments(
      call.arguments,
      `messages.${position}.tool_calls.${callIndex}.function.arguments`,
    ),
  }));
  return [...thoughts, ...toBlocks(encodeContent(message.content)), ...toolUses];
}

/**
 * Only reasoning that came from an Anthropic upstream can go back: its signature is checked, and any other
 * provider's reasoning (whose token Anthropic cannot verify) would be refused. Others' reasoning is left out, as
 * the text of earlier turns' thinking does not reach the model anyway
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#how-context-window-is-calculated-with-extended-thinking).
 */
function encodeReasoning(reasoning: Reasoning): JsonRecord[] {
  if (reasoning.origin !== ANTHROPIC_REASONING_ORIGIN) return [];
  if (reasoning.redacted !== undefined) return [{ type: "redacted_thinking", data: reasoning.redacted }];
  if (reasoning.signature === undefined) return [];
  return [{ type: "thinking", thinking: reasoning.text, signature: reasoning.signature }];
}

function encodeToolResult(message: ChatMessage, position: number): JsonRecord {
  if (message.toolCallId === undefined || message.toolCallId === "") {
    throw new GatewayError(
      "invalid_body",
      `Tool message ${position} must say which tool call it answers ('tool_call_id').`,
      { param: `messages.${position}.tool_call_id` },
    );
  }
  const block: JsonRecord = { type: "tool_result", tool_use_id: portableToolCallId(message.toolCallId) };
  const content = encodeContent(message.content);
  // `content` is optional on a tool_result; an empty one is left out rather than sent as an empty text.
  if (content.length > 0) block.content = content;
  return block;
}

function toBlocks(content: string | JsonRecord[]): JsonRecord[] {
  if (typeof content !== "string") return content;
  return content === "" ? [] : [{ type: "text", text: content }];
}

/**
 * Merges two same-role turns. In a user turn, tool_result blocks must come before any other content
 * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use), so they are moved first.
 */
function mergeContent(first: string | JsonRecord[], second: string | JsonRecord[]): JsonRecord[] {
  const blocks = [...toBlocks(first), ...toBlocks(second)];
  const isToolResult = (block: JsonRecord) => block.type === "tool_result";
  return [...blocks.filter(isToolResult), ...blocks.filter((block) => !isToolResult(block))];
}
