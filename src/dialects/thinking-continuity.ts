import type { ChatMessage } from "../canonical/index.js";

/**
 * Claude (on Anthropic's API and on Bedrock) refuses a request with thinking on whose last assistant turn called
 * tools, still being answered, without starting with its own signed thinking ("Expected `thinking` or
 * `redacted_thinking`, but found `tool_use`":
 * https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#extended-thinking-with-tool-use). That is
 * the turn of a conversation that switched provider mid tool loop (the other provider's thinking cannot go back),
 * or whose client dropped the thinking. Thinking is a hint: such a request is sent without it, and thinks again
 * from the next user turn, rather than refused.
 */
export function continuesToolUseWithoutThinking(messages: readonly ChatMessage[], origin: string): boolean {
  let last = messages.length - 1;
  while (last >= 0 && messages[last]?.role === "tool") last--;
  if (last === messages.length - 1) return false;
  const turn = messages[last];
  if (turn?.role !== "assistant" || (turn.toolCalls ?? []).length === 0) return false;
  return !(turn.reasoning ?? []).some(
    (reasoning) =>
      reasoning.origin === origin && (reasoning.signature !== undefined || reasoning.redacted !== undefined),
  );
}
