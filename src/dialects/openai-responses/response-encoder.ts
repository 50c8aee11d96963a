import type { ChatResponse } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";
import { createItemId } from "./item-id.js";
import {
  functionCallItem,
  messageItem,
  type ResponseFrame,
  reasoningItem,
  responseObject,
  statusOf,
} from "./response-object.js";

/**
 * Encodes a canonical chat response as a Response object: the first candidate's reasoning items, its message
 * and its function calls, in that order (the order a model produces them). Reasoning items carry their token
 * (`encrypted_content`) here; `forClient` removes it when the client did not ask for it.
 */
export function encodeResponsesResponse(response: ChatResponse, frame: ResponseFrame): JsonRecord {
  const choice = response.choices[0];
  const output: JsonRecord[] = [];
  for (const reasoning of choice?.message.reasoning ?? [])
    output.push(reasoningItem(createItemId("rs"), reasoning, true));
  const text = choice?.message.content ?? null;
  if (text !== null && text !== "") output.push(messageItem(createItemId("msg"), text, "completed"));
  for (const call of choice?.message.toolCalls ?? [])
    output.push(functionCallItem(createItemId("fc"), call, "completed"));
  const finishReason = choice?.finishReason ?? null;
  return responseObject(frame, statusOf(finishReason), output, response.usage, { finishReason });
}

/**
 * The response as the client gets it: without reasoning tokens unless `include` asked for
 * `reasoning.encrypted_content` (https://platform.openai.com/docs/api-reference/responses/create#responses-create-include).
 * The gateway's store keeps them, so that `previous_response_id` can pass reasoning back to its upstream.
 */
export function forClient(response: JsonRecord, frame: ResponseFrame): JsonRecord {
  if (frame.includeEncryptedReasoning || !Array.isArray(response.output)) return response;
  return { ...response, output: response.output.map(withoutToken) };
}

export function withoutToken(item: unknown): unknown {
  if (typeof item !== "object" || item === null || !("encrypted_content" in item)) return item;
  const { encrypted_content: _token, ...rest } = item as JsonRecord;
  return rest;
}
