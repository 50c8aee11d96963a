import type { ChatMessage, ContentPart, Reasoning, ToolCall } from "../../canonical/index.js";
import { isRecord, type JsonRecord, optionalString } from "../narrow.js";
import { invalidBody } from "../openai/body-validation.js";
import { decodeReasoningToken } from "../reasoning-token.js";
import type { Untranslatable } from "../untranslatable.js";

/** The family whose upstreams accept OpenAI's reasoning `encrypted_content` back (see reasoning-token.ts). */
export const OPENAI_REASONING_ORIGIN = "openai";

/**
 * Decodes Responses `input` items (https://platform.openai.com/docs/api-reference/responses/create#responses-create-input)
 * into canonical messages. Messages keep their role; the assistant side of a turn (its reasoning items, message
 * and function calls, in whatever order they come) becomes one canonical assistant message; a function call's
 * output is a tool message. Items the canonical model cannot carry (built-in tool calls and their outputs) are
 * listed as untranslatable. `item_reference` items are resolved from stored responses before decoding.
 */
export function decodeInputItems(
  items: readonly JsonRecord[],
  untranslatable: Untranslatable[],
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let assistant: ChatMessage | undefined;
  const assistantTurn = (): ChatMessage => {
    if (assistant === undefined) {
      assistant = { role: "assistant", content: null };
      messages.push(assistant);
    }
    return assistant;
  };
  items.forEach((item, position) => {
    const param = `input.${position}`;
    const type = optionalString(item.type) ?? (typeof item.role === "string" ? "message" : undefined);
    switch (type) {
      case "message": {
        const role = item.role;
        if (role === "assistant") {
          appendText(assistantTurn(), decodeContent(item.content, param, untranslatable));
          return;
        }
        if (role !== "user" && role !== "system" && role !== "developer") {
          throw invalidBody(
            `Invalid value for '${param}.role': ${JSON.stringify(role)}. Supported values are: 'user', 'assistant', 'system' and 'developer'.`,
            [...param.split("."), "role"],
          );
        }
        assistant = undefined;
        messages.push({ role, content: decodeContent(item.content, param, untranslatable) });
        return;
      }
      case "function_call": {
        const turn = assistantTurn();
        const call: ToolCall = {
          id: requireString(item.call_id, `${param}.call_id`),
          name: requireString(item.name, `${param}.name`),
          arguments: optionalString(item.arguments) ?? "",
        };
        turn.toolCalls = [...(turn.toolCalls ?? []), call];
        return;
      }
      case "function_call_output":
        assistant = undefined;
        messages.push({
          role: "tool",
          toolCallId: requireString(item.call_id, `${param}.call_id`),
          content: decodeOutput(item.output, param, untranslatable),
        });
        return;
      case "reasoning": {
        const turn = assistantTurn();
        turn.reasoning = [...(turn.reasoning ?? []), decodeReasoning(item)];
        return;
      }
      case "item_reference":
        throw invalidBody(
          `'${param}' is an item_reference; items can only be referenced from responses the gateway stored.`,
          [...param.split(".")],
        );
      default:
        untranslatable.push({ what: `input items of type '${type ?? "unknown"}'`, param });
    }
  });
  return messages;
}

/** Text parts, and images as canonical image parts; files are untranslatable. */
function decodeContent(
  content: unknown,
  param: string,
  untranslatable: Untranslatable[],
): string | ContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) {
    throw invalidBody(`Invalid type for '${param}.content': expected a string or an array.`, [
      ...param.split("."),
      "content",
    ]);
  }
  const parts: ContentPart[] = [];
  content.forEach((part, index) => {
    const where = `${param}.content.${index}`;
    if (!isRecord(part)) throw invalidBody(`'${where}' must be an object.`, where.split("."));
    if (part.type === "input_text" || part.type === "output_text" || part.type === "text") {
      parts.push({ type: "text", text: requireString(part.text, `${where}.text`) });
    } else if (part.type === "refusal") {
      parts.push({ type: "text", text: optionalString(part.refusal) ?? "" });
    } else if (part.type === "input_image" && typeof part.image_url === "string") {
      const image: JsonRecord = { url: part.image_url };
      if (typeof part.detail === "string" && part.detail !== "auto") image.detail = part.detail;
      parts.push({ type: "image_url", image_url: image });
    } else {
      const kind =
        part.type === "input_image" ? "images given by file_id" : `content of type '${String(part.type)}'`;
      untranslatable.push({ what: kind, param: where });
    }
  });
  return parts;
}

function decodeOutput(
  output: unknown,
  param: string,
  untranslatable: Untranslatable[],
): string | ContentPart[] {
  if (typeof output === "string") return output;
  return decodeContent(output, `${param}.output`, untranslatable);
}

/**
 * A reasoning item: its summary (or, where an upstream returned it, its full text) is the reasoning text, and its
 * `encrypted_content` the token only the upstream family that made it accepts back.
 */
function decodeReasoning(item: JsonRecord): Reasoning {
  const texts = (list: unknown): string[] =>
    Array.isArray(list)
      ? list.flatMap((part) => (isRecord(part) && typeof part.text === "string" ? [part.text] : []))
      : [];
  const full = texts(item.content);
  const reasoning: Reasoning = { text: (full.length > 0 ? full : texts(item.summary)).join("\n\n") };
  const token = optionalString(item.encrypted_content);
  if (token !== undefined && token !== "") {
    const { origin, signature } = decodeReasoningToken(token, OPENAI_REASONING_ORIGIN);
    reasoning.origin = origin;
    if (signature !== undefined) reasoning.signature = signature;
  }
  return reasoning;
}

/** Assistant text joins the turn's content (an assistant turn may carry several message items). */
function appendText(turn: ChatMessage, content: string | ContentPart[]): void {
  const text =
    typeof content === "string"
      ? content
      : content.map((part) => (part.type === "text" ? String(part.text) : "")).join("");
  if (text === "") return;
  turn.content = typeof turn.content === "string" ? turn.content + text : text;
}

function requireString(value: unknown, param: string): string {
  if (typeof value === "string") return value;
  throw invalidBody(
    value === undefined
      ? `Missing required parameter: '${param}'.`
      : `Invalid type for '${param}': expected a string.`,
    param.split("."),
  );
}
