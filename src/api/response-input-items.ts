import { createHash } from "node:crypto";
import { GatewayError } from "../canonical/index.js";
import type { JsonRecord } from "../dialects/narrow.js";
import type { StoredResponse } from "../response-store/response-store.js";

/**
 * `GET /v1/responses/{id}/input_items` (https://platform.openai.com/docs/api-reference/responses/input-items):
 * the input items a stored response was created with, as a page of OpenAI's list object. Items the client sent
 * without an id (a string input, an easy message) get one derived from the response and their place, so that the
 * same item always has the same id and `after` pages reliably. Messages are listed in OpenAI's item form (typed
 * content parts, a status).
 */
export interface InputItemsQuery {
  after?: string;
  limit?: number;
  order?: "asc" | "desc";
}

export interface InputItemsPage {
  object: "list";
  data: JsonRecord[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function listInputItems(stored: StoredResponse, query: InputItemsQuery): InputItemsPage {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new GatewayError("invalid_parameter", `'limit' must be an integer from 1 to ${MAX_LIMIT}.`, {
      param: "limit",
    });
  const responseId = String(stored.response.id);
  const items = stored.input.map((item, index) => listed(item, responseId, index));
  // OpenAI lists newest first unless asked otherwise.
  if ((query.order ?? "desc") === "desc") items.reverse();
  let start = 0;
  if (query.after !== undefined) {
    const at = items.findIndex((item) => item.id === query.after);
    if (at === -1)
      throw new GatewayError(
        "invalid_parameter",
        `No input item with id '${query.after}' in this response.`,
        {
          param: "after",
        },
      );
    start = at + 1;
  }
  const data = items.slice(start, start + limit);
  return {
    object: "list",
    data,
    first_id: (data[0]?.id as string | undefined) ?? null,
    last_id: (data.at(-1)?.id as string | undefined) ?? null,
    has_more: start + limit < items.length,
  };
}

function listed(item: unknown, responseId: string, index: number): JsonRecord {
  const record: JsonRecord = typeof item === "object" && item !== null ? { ...(item as JsonRecord) } : {};
  const isMessage = record.type === undefined || record.type === "message";
  if (typeof record.id !== "string") record.id = derivedId(isMessage ? "msg" : "item", responseId, index);
  if (!isMessage) return record;
  const content =
    typeof record.content === "string"
      ? [{ type: record.role === "assistant" ? "output_text" : "input_text", text: record.content }]
      : record.content;
  return { id: record.id, type: "message", role: record.role, content, status: record.status ?? "completed" };
}

function derivedId(prefix: string, responseId: string, index: number): string {
  const digest = createHash("sha256").update(`${responseId}:${index}`).digest("hex").slice(0, 48);
  return `${prefix}_${digest}`;
}
