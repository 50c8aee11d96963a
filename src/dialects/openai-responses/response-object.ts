import {
  CONTINUATION_FIELD,
  type FinishReason,
  type Reasoning,
  type StreamContinuation,
  type ToolCall,
  type Usage,
} from "../../canonical/index.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { encodeReasoningToken } from "../reasoning-token.js";
import { OPENAI_REASONING_ORIGIN } from "./input-items.js";
import type { ResponsesRequestBody } from "./request-schema.js";
import { encodeResponsesUsage } from "./usage.js";

/**
 * The parts of a Response object (https://platform.openai.com/docs/api-reference/responses/object) that do not
 * depend on the answer: its id, creation time, model, and the request settings it repeats. One per response,
 * shared by the whole-body encoder and the stream encoder.
 */
export interface ResponseFrame {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  model: string;
  /** The request fields a Response repeats. */
  echo: JsonRecord;
  /** `include` asked for `reasoning.encrypted_content`. */
  includeEncryptedReasoning: boolean;
}

/**
 * The request settings a Response repeats, in the shape the Response schema requires: function tools with their
 * `strict` and `parameters` (null when not given), defaults for what the request left out. `stored` is whether
 * the gateway stored this response (what `store` reports).
 */
export function echoRequest(body: ResponsesRequestBody, stored: boolean): JsonRecord {
  return {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: stored,
    temperature: body.temperature ?? 1,
    top_p: body.top_p ?? 1,
    text: { format: body.text?.format ?? { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: (body.tools ?? []).map((tool) =>
      tool.type === "function"
        ? { ...tool, parameters: tool.parameters ?? null, strict: tool.strict ?? null }
        : tool,
    ),
    truncation: "disabled",
    metadata: body.metadata ?? {},
  };
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** A whole Response object. */
export function responseObject(
  frame: ResponseFrame,
  status: ResponseStatus,
  output: JsonRecord[],
  usage: Usage | null,
  details: { finishReason?: FinishReason; error?: { code: string; message: string } } = {},
): JsonRecord {
  const incomplete = incompleteReason(details.finishReason);
  return {
    id: frame.id,
    object: "response",
    created_at: frame.createdAt,
    status,
    completed_at: status === "completed" ? Math.floor(Date.now() / 1000) : null,
    error: details.error ?? null,
    incomplete_details: status === "incomplete" && incomplete !== undefined ? { reason: incomplete } : null,
    model: frame.model,
    output,
    // Left out until known: the spec's Response.usage is an object, never null.
    ...(usage === null ? {} : { usage: encodeResponsesUsage(usage) }),
    ...frame.echo,
  };
}

/** A finished answer is incomplete when it hit the token limit or was filtered. */
export function statusOf(reason: FinishReason | undefined): "completed" | "incomplete" {
  return incompleteReason(reason) === undefined ? "completed" : "incomplete";
}

function incompleteReason(reason: FinishReason | undefined): string | undefined {
  if (reason === "length") return "max_output_tokens";
  if (reason === "content_filter") return "content_filter";
  return undefined;
}

export function messageItem(id: string, text: string, status: "in_progress" | "completed"): JsonRecord {
  const content = status === "in_progress" ? [] : [outputText(text)];
  return { id, type: "message", role: "assistant", status, content };
}

export function outputText(text: string): JsonRecord {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function functionCallItem(
  id: string,
  call: ToolCall,
  status: "in_progress" | "completed",
): JsonRecord {
  return { id, type: "function_call", status, call_id: call.id, name: call.name, arguments: call.arguments };
}

/**
 * A reasoning item: the reasoning text as its summary, and (when the client asked for it, or for the gateway's
 * own store) the token its upstream needs back as `encrypted_content` (see reasoning-token.ts).
 */
export function reasoningItem(id: string, reasoning: Reasoning | undefined, withToken: boolean): JsonRecord {
  const item: JsonRecord = {
    id,
    type: "reasoning",
    summary:
      reasoning === undefined || reasoning.text === ""
        ? []
        : [{ type: "summary_text", text: reasoning.text }],
  };
  if (withToken && reasoning !== undefined)
    item.encrypted_content = encodeReasoningToken(reasoning, OPENAI_REASONING_ORIGIN);
  return item;
}

/** The response a continued stream ends with, as the client reads it: the continuation reported beside it. */
export function withContinuation(
  response: JsonRecord,
  continuation: StreamContinuation | undefined,
): JsonRecord {
  return continuation === undefined ? response : { ...response, [CONTINUATION_FIELD]: continuation };
}

/** The response with the call's cost in its usage (`usage.cost`, USD), when priced and the usage is known. */
export function withUsageCost(response: JsonRecord, cost: string | undefined): JsonRecord {
  if (cost === undefined || !isRecord(response.usage)) return response;
  return { ...response, usage: { ...response.usage, cost: Number(cost) } };
}
