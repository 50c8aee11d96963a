import { isRecord, type JsonRecord } from "../narrow.js";
import { isForeignReasoningToken } from "../reasoning-token.js";

/**
 * A Messages API body from a client, prepared to be relayed to an Anthropic upstream as it is: the route's model
 * in place of the name the client used, and thinking blocks that another provider produced (their signature is
 * the gateway's, see reasoning-token.ts) removed, since Anthropic would refuse a signature it did not make. A
 * conversation served by Anthropic alone is passed on unchanged.
 */
export function prepareRelayedMessagesBody(body: JsonRecord, model: string): JsonRecord {
  const { model: _requested, ...rest } = body;
  const prepared: JsonRecord = { model, ...rest };
  if (Array.isArray(body.messages) && body.messages.some(hasForeignThinking)) {
    prepared.messages = body.messages.map((message) =>
      hasForeignThinking(message) && isRecord(message) && Array.isArray(message.content)
        ? { ...message, content: message.content.filter((block) => !isForeignThinking(block)) }
        : message,
    );
  }
  return prepared;
}

function hasForeignThinking(message: unknown): boolean {
  return isRecord(message) && Array.isArray(message.content) && message.content.some(isForeignThinking);
}

function isForeignThinking(block: unknown): boolean {
  return isRecord(block) && block.type === "thinking" && isForeignReasoningToken(block.signature);
}
