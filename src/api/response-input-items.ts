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
/** The query as it arrives: every value a string (or repeated). */
export interface InputItemsQuery {
  after?: unknown;
  limit?: unknown;
  order?: unknown;
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
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new GatewayError("invalid_parameter", `'limit' must be an integer from 1 to ${MAX_LIMIT}.`, {
      param: "limit",
    });
  const responseId = String(stored.response.id);
  const items = stored.input.map((item, index) => listed(item, responseId, index));
  // OpenAI lists newest first unless asked otherwise.
  const order = query.order ?? "desc";
  if (order !== "asc" && order !== "desc")
    throw new GatewayError("invalid_parameter", "'order' must be 'asc' or 'desc'.", { param: "order" });
  if (order === "desc") items.reverse();
  let start = 0;
  if (query.after !== undefined) {
    const at = items.findIndex((item) => item.id === query.after);
    if (at === -1)
      throw new GatewayError(
        "invalid_parameter",
        `No input item with id '${String(query.after)}' in this response.`,
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
  const id =
    typeof record.id === "string" ? record.id : derivedId(isMessage ? "msg" : "item", responseId, index);
  // Items returned by the API carry their status (function calls and their outputs included).
  if (!isMessage) return { ...record, id, status: record.status ?? "completed" };
  const assistant = record.role === "assistant";
  const parts = typeof record.content === "string" ? [{ text: record.content }] : record.content;
  const content = Array.isArray(parts)
    ? parts.map((part: JsonRecord) =>
        assistant
          ? { type: "output_text", annotations: [], ...part }
          : part.type === undefined
            ? { type: "input_text", ...part }
            : part,
      )
    : parts;
  return { id, type: "message", role: record.role, content, status: record.status ?? "completed" };
}

function derivedId(prefix: string, responseId: string, index: number): string {
  const digest = createHash("sha256").update(`${responseId}:${index}`).digest("hex").slice(0, 48);
  return `${prefix}_${digest}`;
}
