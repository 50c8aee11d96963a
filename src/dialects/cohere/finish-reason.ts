import type { FinishReason } from "../../canonical/index.js";

/**
 * Maps Cohere's v2 `finish_reason` (https://docs.cohere.com/v2/reference/chat, `ChatFinishReason`).
 * `ERROR` (the generation failed inside Cohere) and `TIMEOUT` (it exceeded Cohere's time limit) have no
 * canonical equivalent: the output is cut short for a reason that is neither a stop nor a length limit, so they
 * read as "no reason given" rather than pretending the answer is complete.
 */
export function decodeFinishReason(value: unknown): FinishReason {
  switch (value) {
    case "COMPLETE":
    case "STOP_SEQUENCE":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    case "TOOL_CALL":
      return "tool_calls";
    default:
      return null;
  }
}
