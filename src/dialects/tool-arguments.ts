import { GatewayError } from "../canonical/index.js";
import { isRecord, type JsonRecord } from "./narrow.js";

/**
 * Providers that take a tool call's arguments as a JSON object (Anthropic `tool_use.input`, Gemini
 * `functionCall.args`, Bedrock `toolUse.input`) need the canonical arguments, the model's JSON text, parsed.
 * Empty text means a call without arguments; text that is not a JSON object cannot be sent, and saying so here
 * names the field, where the upstream's rejection would not.
 */
export function parseToolArguments(text: string, param: string): JsonRecord {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new GatewayError("invalid_body", `The tool call arguments at '${param}' are not valid JSON.`, {
      param,
      cause,
    });
  }
  if (!isRecord(parsed)) {
    throw new GatewayError("invalid_body", `The tool call arguments at '${param}' must be a JSON object.`, {
      param,
    });
  }
  return parsed;
}
