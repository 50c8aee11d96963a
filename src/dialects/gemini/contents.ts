import { type ChatMessage, GatewayError, textOfContent } from "../../canonical/index.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { parseToolArguments } from "../tool-arguments.js";
import { encodeParts } from "./content-parts.js";
import { decodeCanonicalSignature, type GeminiTarget, missingSignatureFor } from "./thinking.js";
import { decodeToolCallId, isSyntheticToolCallId } from "./tool-call-id.js";

export interface EncodedContents {
  /** `{parts: [{text}]}`, one part per system or developer message; undefined when there is none. */
  systemInstruction: JsonRecord | undefined;
  contents: JsonRecord[];
}

interface Content {
  role: "user" | "model";
  parts: JsonRecord[];
}

/**
 * Encodes canonical messages as Gemini `systemInstruction` + `contents`
 * (https://ai.google.dev/api/generate-content#request-body):
 * - system and developer messages, wherever they are, become the system instruction;
 * - assistant turns have role `model`: their reasoning from this target's origin first, as thought parts with
 *   their signatures (another provider's reasoning is left out: Gemini cannot read it, and its signature would
 *   be refused), then the text (with the signature Gemini put on the answer's last part), then the tool calls as
 *   `functionCall` parts, with the thought signature the call's id carries (tool-call-id.ts);
 * - tool messages are `functionResponse` parts of a `user` turn, naming the function, which Gemini needs and
 *   finds by name: it is looked up from the assistant call the message answers;
 * - consecutive turns of one role are merged, so the answers to parallel calls form one turn with as many
 *   `functionResponse` parts as there were calls, which Gemini requires.
 */
export function encodeContents(messages: ChatMessage[], target: GeminiTarget): EncodedContents {
  const systemParts: JsonRecord[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  messages.forEach((message, position) => {
    if (message.role === "system" || message.role === "developer") {
      const text = textOfContent(message.content);
      if (text !== "") systemParts.push({ text });
      return;
    }
    const content = encodeTurn(message, position, callNames, target);
    if (content.parts.length === 0) return;
    const previous = contents.at(-1);
    if (previous?.role === content.role) previous.parts.push(...content.parts);
    else contents.push(content);
  });
  return {
    systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined,
    contents: contents.map((content) => ({ role: content.role, parts: content.parts })),
  };
}

function encodeTurn(
  message: ChatMessage,
  position: number,
  callNames: Map<string, string>,
  target: GeminiTarget,
): Content {
  const param = `messages.${position}.content`;
  if (message.role === "tool")
    return { role: "user", parts: [encodeToolResult(message, position, callNames)] };
  if (message.role !== "assistant") return { role: "user", parts: encodeParts(message.content, param) };
  const { thoughts, textSignature } = encodeThoughts(message, target.origin);
  const text = encodeParts(message.content, param);
  const lastText = text.findLast((part) => typeof part.text === "string");
  if (lastText !== undefined && textSignature !== undefined) lastText.thoughtSignature = textSignature;
  const parts = [...thoughts, ...text];
  const missingSignature = missingSignatureFor(target.model);
  (message.toolCalls ?? []).forEach((call, callIndex) => {
    callNames.set(call.id, call.name);
    const { id, thoughtSignature } = decodeToolCallId(call.id, target.origin);
    const functionCall: JsonRecord = {
      name: call.name,
      args: parseToolArguments(
        call.arguments,
        `messages.${position}.tool_calls.${callIndex}.function.arguments`,
      ),
    };
    if (!isSyntheticToolCallId(id)) functionCall.id = id;
    const signature = thoughtSignature ?? missingSignature;
    parts.push(signature === undefined ? { functionCall } : { functionCall, thoughtSignature: signature });
  });
  return { role: "model", parts };
}

/**
 * The turn's reasoning that came from this target's origin, as Gemini returned it: thought parts (`thought:
 * true`) with their signatures; and the signature that sat on a text part, which goes back on the text.
 */
function encodeThoughts(
  message: ChatMessage,
  origin: string,
): { thoughts: JsonRecord[]; textSignature: string | undefined } {
  const thoughts: JsonRecord[] = [];
  let textSignature: string | undefined;
  for (const reasoning of message.reasoning ?? []) {
    if (reasoning.origin !== origin) continue;
    const anchored =
      reasoning.signature === undefined ? undefined : decodeCanonicalSignature(reasoning.signature);
    if (anchored?.onText === true) {
      textSignature = anchored.signature;
      continue;
    }
    // A part must hold data: a thought whose text the client left empty cannot go back.
    if (reasoning.text === "") continue;
    const part: JsonRecord = { text: reasoning.text, thought: true };
    if (anchored !== undefined && anchored.signature !== "") part.thoughtSignature = anchored.signature;
    thoughts.push(part);
  }
  return { thoughts, textSignature };
}

function encodeToolResult(
  message: ChatMessage,
  position: number,
  callNames: Map<string, string>,
): JsonRecord {
  const callId = message.toolCallId ?? "";
  const name = callNames.get(callId) ?? message.name;
  if (name === undefined) {
    throw new GatewayError(
      "invalid_body",
      `Tool message ${position} answers tool call '${callId}', which no earlier assistant message made; Gemini needs the called function's name, so the call must be in the conversation.`,
      { param: `messages.${position}.tool_call_id` },
    );
  }
  const functionResponse: JsonRecord = { name, response: responseObject(textOfContent(message.content)) };
  const { id } = decodeToolCallId(callId);
  if (id !== "" && !isSyntheticToolCallId(id)) functionResponse.id = id;
  return { functionResponse };
}

/**
 * `functionResponse.response` must be a JSON object (a protobuf Struct). A tool's JSON object answer is sent as
 * it is; any other answer (plain text, a list, a number) is wrapped as `{result: ...}`.
 */
function responseObject(text: string): JsonRecord {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : { result: parsed };
  } catch {
    // Not JSON: plain text is a valid tool answer.
    return { result: text };
  }
}
