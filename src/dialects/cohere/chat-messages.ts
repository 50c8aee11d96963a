import type { ChatMessage } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { COHERE_REASONING_ORIGIN } from "./reasoning.js";

/**
 * Encodes canonical messages as Cohere v2 `messages` (https://docs.cohere.com/v2/reference/chat).
 * v2 knows the roles system, user, assistant and tool; OpenAI's `developer` role is its newer name for system.
 * Multi-part content passes through: Cohere's text and `image_url` parts have OpenAI's shape.
 * v2 has no per-message `name`, so it is dropped.
 */
export function encodeMessages(messages: readonly ChatMessage[]): JsonRecord[] {
  return messages.map(encodeMessage);
}

function encodeMessage(message: ChatMessage): JsonRecord {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: requiredContent(message) };
    case "user":
      return { role: "user", content: requiredContent(message) };
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId ?? "", content: requiredContent(message) };
    case "assistant":
      return encodeAssistantMessage(message);
  }
}

/** System, user and tool messages must carry `content`; a null one is sent as empty text. */
function requiredContent(message: ChatMessage): NonNullable<ChatMessage["content"]> {
  return message.content ?? "";
}

/**
 * Cohere's own earlier reasoning goes back as `thinking` content parts, before the text, as Cohere returns it
 * (AssistantMessageV2); other providers' reasoning is left out, as no model reads another's.
 */
function encodeAssistantMessage(message: ChatMessage): JsonRecord {
  const wire: JsonRecord = { role: "assistant" };
  const toolCalls = message.toolCalls ?? [];
  const thinking = (message.reasoning ?? [])
    .filter((reasoning) => reasoning.origin === COHERE_REASONING_ORIGIN && reasoning.text !== "")
    .map((reasoning) => ({ type: "thinking", thinking: reasoning.text }));
  if (toolCalls.length === 0) {
    if (thinking.length === 0) wire.content = message.content ?? "";
    else {
      const text = textOnly(message.content);
      wire.content = [...thinking, ...(text === "" ? [] : [{ type: "text", text }])];
    }
    return wire;
  }
  if (thinking.length > 0) wire.content = thinking;
  // In v2, the text a model writes before calling tools is its `tool_plan`, and Cohere's own tool-use examples
  // send it back there next to `tool_calls` (https://docs.cohere.com/v2/docs/tool-use), not as `content`.
  const plan = typeof message.content === "string" ? message.content : textOnly(message.content);
  if (plan !== "") wire.tool_plan = plan;
  wire.tool_calls = toolCalls.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  return wire;
}

function textOnly(content: ChatMessage["content"]): string {
  if (content === null || typeof content === "string") return content ?? "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
