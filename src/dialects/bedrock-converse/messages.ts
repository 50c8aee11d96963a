import { type ChatMessage, type ContentPart, GatewayError, textOfContent } from "../../canonical/index.js";
import { parseDataUrl } from "../data-url.js";
import { isRecord, type JsonRecord, optionalString } from "../narrow.js";
import { portableToolCallId } from "../portable-tool-call-id.js";
import { parseToolArguments } from "../tool-arguments.js";
import { encodeReasoningBlocks } from "./reasoning.js";

export interface EncodedMessages {
  /** `[{text}]`, one block per system or developer message; undefined when there is none. */
  system: JsonRecord[] | undefined;
  messages: JsonRecord[];
  /** The names of the tools the history calls: Converse needs a `toolConfig` naming them (see converse-request.ts). */
  calledTools: Set<string>;
}

interface Turn {
  role: "user" | "assistant";
  content: JsonRecord[];
}

/**
 * Encodes canonical messages as Converse `system` + `messages`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html):
 * - system and developer messages become `system` text blocks;
 * - every message's content is a list of ContentBlocks (a union: exactly one member each); empty text blocks
 *   are dropped, as Converse refuses them;
 * - an assistant turn starts with its earlier reasoning from Bedrock (`reasoningContent` blocks, reasoning.ts);
 * - assistant tool calls are `toolUse` blocks, tool messages `toolResult` blocks in a user turn;
 * - turns must alternate, so consecutive turns of one role are merged: the answers to parallel calls form one
 *   user turn with a `toolResult` per call, which Converse requires, placed before any text.
 */
export function encodeMessages(messages: ChatMessage[]): EncodedMessages {
  const system: JsonRecord[] = [];
  const turns: Turn[] = [];
  const calledTools = new Set<string>();
  messages.forEach((message, position) => {
    if (message.role === "system" || message.role === "developer") {
      const text = textOfContent(message.content);
      if (text !== "") system.push({ text });
      return;
    }
    const turn = encodeTurn(message, position, calledTools);
    if (turn.content.length === 0) return;
    const previous = turns.at(-1);
    if (previous?.role === turn.role) previous.content = mergeBlocks(previous.content, turn.content);
    else turns.push(turn);
  });
  return {
    system: system.length > 0 ? system : undefined,
    messages: turns.map((turn) => ({ role: turn.role, content: turn.content })),
    calledTools,
  };
}

function encodeTurn(message: ChatMessage, position: number, calledTools: Set<string>): Turn {
  const param = `messages.${position}.content`;
  if (message.role === "tool") return { role: "user", content: [encodeToolResult(message, position)] };
  if (message.role !== "assistant") return { role: "user", content: encodeContent(message.content, param) };
  const content = [...encodeReasoningBlocks(message.reasoning), ...encodeContent(message.content, param)];
  (message.toolCalls ?? []).forEach((call, callIndex) => {
    calledTools.add(call.name);
    content.push({
      toolUse: {
        toolUseId: portableToolCallId(call.id),
        name: call.name,
        input: parseToolArguments(
          call.arguments,
          `messages.${position}.tool_calls.${callIndex}.function.arguments`,
        ),
      },
    });
  });
  return { role: "assistant", content };
}

function encodeContent(content: string | ContentPart[] | null, param: string): JsonRecord[] {
  if (content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const blocks: JsonRecord[] = [];
  content.forEach((part, position) => {
    const block = encodePart(part, `${param}.${position}`);
    if (block !== undefined) blocks.push(block);
  });
  return blocks;
}

/** Converse's image formats (ImageFormat in the service model). */
const IMAGE_FORMATS = new Set(["png", "jpeg", "gif", "webp"]);

function encodePart(part: ContentPart, param: string): JsonRecord | undefined {
  if (part.type === "text")
    return typeof part.text === "string" && part.text !== "" ? { text: part.text } : undefined;
  if (part.type === "image_url" && isRecord(part.image_url)) {
    const image = parseDataUrl(optionalString(part.image_url.url) ?? "");
    const format = image?.mimeType.replace(/^image\/(jpg)?/, (_match, jpg) => (jpg ? "jpeg" : ""));
    if (image !== undefined && format !== undefined && IMAGE_FORMATS.has(format)) {
      return { image: { format, source: { bytes: image.base64 } } };
    }
    throw new GatewayError(
      "invalid_body",
      `The image at '${param}' must be a base64 data URL of a PNG, JPEG, GIF or WebP image: Bedrock does not fetch image URLs.`,
      { param },
    );
  }
  throw new GatewayError(
    "invalid_body",
    `The content part at '${param}' (type '${part.type}') cannot be sent to Bedrock: it takes text and image_url parts.`,
    { param },
  );
}

/**
 * A tool's answer is a `json` block when it is a JSON object (`json` takes any document, but some models take
 * only objects there), and a `text` block otherwise. Converse requires a non-empty content.
 */
function encodeToolResult(message: ChatMessage, position: number): JsonRecord {
  if (message.toolCallId === undefined || message.toolCallId === "") {
    throw new GatewayError(
      "invalid_body",
      `Tool message ${position} must say which tool call it answers ('tool_call_id').`,
      { param: `messages.${position}.tool_call_id` },
    );
  }
  const text = textOfContent(message.content);
  let block: JsonRecord = { text: text === "" ? "(no output)" : text };
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) block = { json: parsed };
  } catch {
    // Not JSON: the answer stays a text block.
  }
  return { toolResult: { toolUseId: portableToolCallId(message.toolCallId), content: [block] } };
}

function mergeBlocks(first: JsonRecord[], second: JsonRecord[]): JsonRecord[] {
  const blocks = [...first, ...second];
  const isToolResult = (block: JsonRecord) => "toolResult" in block;
  return [...blocks.filter(isToolResult), ...blocks.filter((block) => !isToolResult(block))];
}
