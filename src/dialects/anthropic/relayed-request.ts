import { jsonWithModel } from "../../serialisation/client-json.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { portableToolCallId } from "../portable-tool-call-id.js";
import { isForeignReasoningToken } from "../reasoning-token.js";

/**
 * A Messages API body from a client, prepared to be relayed to an Anthropic upstream as it is: the route's model
 * in place of the name the client used, and what another provider left in the conversation made acceptable to
 * Anthropic: thinking blocks it produced (their signature is the gateway's, see reasoning-token.ts) removed,
 * since Anthropic would refuse a signature it did not make; tool-use ids Anthropic's pattern refuses (Gemini's
 * carry a signature) replaced, consistently (portable-tool-call-id.ts); and, when that leaves the turn being
 * answered with tool calls but no thinking, `thinking` turned off for this request (thinking-continuity.ts). A
 * conversation served by Anthropic alone is passed on unchanged.
 */
export function prepareRelayedMessagesBody(body: JsonRecord, model: string): JsonRecord {
  const { model: _requested, ...rest } = body;
  const prepared: JsonRecord = { model, ...rest };
  if (!Array.isArray(body.messages) || !body.messages.some(needsRewrite)) return prepared;
  const messages = body.messages.map((message) =>
    needsRewrite(message) && isRecord(message) && Array.isArray(message.content)
      ? { ...message, content: message.content.filter((block) => !isForeignThinking(block)).map(portableIds) }
      : message,
  );
  prepared.messages = messages;
  if (prepared.thinking !== undefined && continuesToolUseWithoutThinking(messages)) delete prepared.thinking;
  return prepared;
}

/**
 * The relayed body's JSON (prepareRelayedMessagesBody): the client's own text with the model replaced when
 * nothing else changes (serialisation/client-json.ts), which is the case for a conversation Anthropic served alone.
 */
export function relayedMessagesJson(body: JsonRecord, model: string): string {
  if (!Array.isArray(body.messages) || !body.messages.some(needsRewrite)) return jsonWithModel(body, model);
  return JSON.stringify(prepareRelayedMessagesBody(body, model));
}

function needsRewrite(message: unknown): boolean {
  return (
    isRecord(message) &&
    Array.isArray(message.content) &&
    message.content.some((block) => isForeignThinking(block) || hasForeignId(block))
  );
}

function isForeignThinking(block: unknown): boolean {
  return isRecord(block) && block.type === "thinking" && isForeignReasoningToken(block.signature);
}

function idOf(block: JsonRecord): unknown {
  return block.type === "tool_use" ? block.id : block.type === "tool_result" ? block.tool_use_id : undefined;
}

function hasForeignId(block: unknown): boolean {
  if (!isRecord(block)) return false;
  const id = idOf(block);
  return typeof id === "string" && portableToolCallId(id) !== id;
}

function portableIds(block: unknown): unknown {
  if (!isRecord(block) || !hasForeignId(block)) return block;
  const id = portableToolCallId(idOf(block) as string);
  return block.type === "tool_use" ? { ...block, id } : { ...block, tool_use_id: id };
}

/** The last assistant turn called tools, is being answered, and does not start with thinking. */
function continuesToolUseWithoutThinking(messages: unknown[]): boolean {
  const turn = messages.findLast((message) => isRecord(message) && message.role === "assistant");
  if (!isRecord(turn) || !Array.isArray(turn.content) || turn !== messages.at(-2)) return false;
  const first = turn.content[0];
  const calls = turn.content.some((block) => isRecord(block) && block.type === "tool_use");
  return calls && !(isRecord(first) && (first.type === "thinking" || first.type === "redacted_thinking"));
}
