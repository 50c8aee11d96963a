import type { FastifyInstance, FastifyRequest } from "fastify";
import { GatewayError } from "../canonical/index.js";
import type { JsonRecord } from "../dialects/narrow.js";
import { reportedModel } from "../dialects/openai/reported-model.js";
import { createItemId } from "../dialects/openai-responses/item-id.js";
import { withEncryptedReasoning } from "../dialects/openai-responses/relayed-request.js";
import {
  decodeResponsesRequest,
  parseResponsesRequest,
} from "../dialects/openai-responses/request-decoder.js";
import type { ResponsesRequestBody } from "../dialects/openai-responses/request-schema.js";
import { encodeResponsesResponse, forClient } from "../dialects/openai-responses/response-encoder.js";
import { echoRequest, type ResponseFrame } from "../dialects/openai-responses/response-object.js";
import { ResponsesStreamEncoder } from "../dialects/openai-responses/stream-encoder.js";
import type { ResponseStorage } from "../response-store/response-storage.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { answerChatIngress, type ChatIngress } from "./chat-ingress.js";
import { jsonObjectBody } from "./deferred-request.js";
import { openAIErrorFormat } from "./openai-error-format.js";
import {
  ANY_REQUEST_ERRORS,
  ATTRIBUTION_HEADERS,
  allErrorsBut,
  errorResponses,
  jsonBody,
  jsonResponse,
} from "./openapi/operation-docs.js";
import { RESPONSES_EXAMPLES } from "./openapi/responses-schemas.js";
import { observeRoute } from "./request-observation.js";
import { type InputItemsQuery, listInputItems } from "./response-input-items.js";
import { routeForRequest } from "./route-for-request.js";

const ENCRYPTED_REASONING = "reasoning.encrypted_content";
const TAGS = ["OpenAI Responses API"];

const createResponseRouteSchema = {
  operationId: "createResponse",
  tags: TAGS,
  summary: "Create a response",
  description:
    "OpenAI's Responses API: `model` is a route name or alias. Relayed to OpenAI targets; translated for others. `previous_response_id` and item references need the gateway's response store (`responses.store`).",
  body: jsonBody("OpenAIResponseRequest", RESPONSES_EXAMPLES),
  headers: ATTRIBUTION_HEADERS,
  response: {
    200: jsonResponse(
      "A response, or its stream.",
      "OpenAIResponse",
      {},
      {
        itemSchemaName: "OpenAIResponseStreamEvent",
        errorSchemaName: "OpenAIResponseErrorEvent",
        description:
          'With `"stream": true`: Responses events, from `response.created` to `response.completed`; a broken stream ends with `error` and `response.failed`.',
      },
    ),
    ...errorResponses(openAIErrorFormat, allErrorsBut(openAIErrorFormat, [414])),
  },
};

const responseIdParams = {
  type: "object",
  properties: { response_id: { type: "string", description: "The id of a stored response (`resp_...`)." } },
  required: ["response_id"],
};

/** Stored responses: 400 when the store is off, 404 when the id is not stored. */
const STORED_RESPONSE_ERRORS = [400, 404, 414, ...ANY_REQUEST_ERRORS];

const getResponseRouteSchema = {
  operationId: "getResponse",
  tags: TAGS,
  summary: "Retrieve a stored response",
  params: responseIdParams,
  querystring: {
    type: "object",
    properties: {
      include: {
        description: "`reasoning.encrypted_content` to have the reasoning items' tokens.",
        anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
      },
    },
  },
  response: {
    200: jsonResponse("The stored response.", "OpenAIResponse"),
    ...errorResponses(openAIErrorFormat, STORED_RESPONSE_ERRORS),
  },
};

const deleteResponseRouteSchema = {
  operationId: "deleteResponse",
  tags: TAGS,
  summary: "Delete a stored response",
  params: responseIdParams,
  response: {
    200: jsonResponse("The response is deleted.", "OpenAIResponseDeleted"),
    ...errorResponses(openAIErrorFormat, STORED_RESPONSE_ERRORS),
  },
};

const listInputItemsRouteSchema = {
  operationId: "listInputItems",
  tags: TAGS,
  summary: "List a stored response's input items",
  params: responseIdParams,
  querystring: {
    type: "object",
    properties: {
      after: { type: "string", description: "List the items after this item id." },
      limit: { type: "integer", minimum: 1, maximum: 100, description: "Items per page (default 20)." },
      order: { type: "string", enum: ["asc", "desc"], description: "`desc` (the default): newest first." },
      include: {
        description: "Accepted for compatibility; input items are listed whole.",
        anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
      },
    },
  },
  response: {
    200: jsonResponse("A page of the response's input items.", "OpenAIResponseInputItemList"),
    ...errorResponses(openAIErrorFormat, STORED_RESPONSE_ERRORS),
  },
};

/**
 * OpenAI's Responses API under `/v1` (https://platform.openai.com/docs/api-reference/responses), registered in the
 * OpenAI API's scope (same errors): `POST /responses` over every chat route, relayed to OpenAI targets and
 * translated for others, and the stored state behind `previous_response_id`, item references and
 * `GET`/`DELETE /responses/{id}`, kept by the gateway's response store (`responses.store`).
 */
export function registerResponsesApi(
  scope: FastifyInstance,
  holder: RouteTableHolder,
  storage: ResponseStorage,
): void {
  scope.post("/responses", { schema: createResponseRouteSchema }, async (request, reply) => {
    const raw = jsonObjectBody(request.body);
    const body = parseResponsesRequest(raw);
    const table = holder.current;
    const route = routeForRequest(table, body.model, "chat", "/v1/responses");
    observeRoute(reply, "responses", route);
    const storing = storage.enabled && body.store !== false;
    const own = await resolveReferences(ownInput(body), storage);
    const history =
      body.previous_response_id == null ? [] : await conversation(body.previous_response_id, storage);
    const input = [...history, ...own];
    const frame: ResponseFrame = {
      id: createItemId("resp"),
      createdAt: Math.floor(Date.now() / 1000),
      model: route.name,
      echo: echoRequest(body, storing),
      includeEncryptedReasoning: (body.include ?? []).includes(ENCRYPTED_REASONING),
    };
    const ingress: ChatIngress = {
      relay: "openai-responses",
      featureNames: {
        reasoning: { what: "reasoning", param: "reasoning.effort" },
        top_k: { what: "top_k sampling", param: "top_k" },
      },
      encode: (response) => {
        frame.model = reportedModel(response.model, route.name);
        return encodeResponsesResponse(response, frame);
      },
      forClient: (answer) => forClient(answer, frame),
      createStreamEncoder: () => new ResponsesStreamEncoder(frame, route.name),
    };
    if (storing) {
      const previousResponseId = body.previous_response_id ?? null;
      ingress.remember = (answer) =>
        remember(request, storage, { response: answer, input: own, previousResponseId });
    }
    return answerChatIngress(
      reply,
      { holder, table, route, principal: request.principal },
      {
        body: relayBody(raw, input, storing),
        headers: request.headers,
        streaming: body.stream === true,
        decode: () => decodeResponsesRequest({ ...body, input: input as JsonRecord[] }),
      },
      ingress,
    );
  });
  scope.get<{ Params: { response_id: string }; Querystring: Record<string, unknown> }>(
    "/responses/:response_id",
    { schema: getResponseRouteSchema },
    async (request) => {
      requireStorage(storage, "retrieving a response");
      const stored = await storage.store.get(request.params.response_id);
      if (stored === undefined) throw notStored(request.params.response_id);
      const include = [request.query.include, request.query["include[]"]].flat();
      if (include.includes(ENCRYPTED_REASONING)) return stored.response;
      return forClient(stored.response, { includeEncryptedReasoning: false } as ResponseFrame);
    },
  );
  scope.get<{ Params: { response_id: string }; Querystring: InputItemsQuery }>(
    "/responses/:response_id/input_items",
    { schema: listInputItemsRouteSchema },
    async (request) => {
      requireStorage(storage, "listing a response's input items");
      const stored = await storage.store.get(request.params.response_id);
      if (stored === undefined) throw notStored(request.params.response_id);
      return listInputItems(stored, request.query);
    },
  );
  scope.delete<{ Params: { response_id: string } }>(
    "/responses/:response_id",
    { schema: deleteResponseRouteSchema },
    async (request) => {
      requireStorage(storage, "deleting a response");
      const id = request.params.response_id;
      if (!(await storage.store.delete(id))) throw notStored(id);
      return { id, object: "response.deleted", deleted: true };
    },
  );
}

/** The request's own input as items: a string is one user message. */
function ownInput(body: ResponsesRequestBody): unknown[] {
  if (typeof body.input === "string") return [{ role: "user", content: body.input }];
  return body.input ?? [];
}

/** Item references (`{"type": "item_reference", "id"}`) replaced by the stored items they name. */
async function resolveReferences(items: unknown[], storage: ResponseStorage): Promise<unknown[]> {
  const references = items.flatMap((item, position) => (isReference(item) ? [{ item, position }] : []));
  if (references.length === 0) return items;
  requireStorage(storage, "an item_reference", `input.${references[0]?.position}`);
  const ids = references.map(({ item }) => String((item as JsonRecord).id));
  const found = await storage.store.items(ids);
  const byId = new Map(ids.map((id, index) => [id, found[index]]));
  return items.map((item, position) => {
    if (!isReference(item)) return item;
    const resolved = byId.get(String((item as JsonRecord).id));
    if (resolved === undefined) {
      throw new GatewayError(
        "previous_response_not_found",
        `Item with id '${String((item as JsonRecord).id)}' not found.`,
        {
          param: `input.${position}`,
        },
      );
    }
    return resolved;
  });
}

function isReference(item: unknown): boolean {
  if (typeof item !== "object" || item === null) return false;
  const record = item as JsonRecord;
  return (
    record.type === "item_reference" || (record.type == null && record.role === undefined && "id" in record)
  );
}

async function conversation(id: string, storage: ResponseStorage): Promise<unknown[]> {
  requireStorage(storage, "'previous_response_id'", "previous_response_id");
  const items = await storage.store.conversation(id);
  if (items === undefined) {
    throw new GatewayError(
      "previous_response_not_found",
      `Previous response with id '${id}' not found (stored responses are kept for responses.store.retention_seconds).`,
      { param: "previous_response_id" },
    );
  }
  return items;
}

/**
 * The body relayed to an OpenAI target: the whole conversation in `input` when the gateway resolved stored state
 * (OpenAI keeps none of it, see relayed-request.ts), and encrypted reasoning asked for when the gateway stores the
 * answer. A stateless request is relayed as the client sent it.
 */
function relayBody(raw: JsonRecord, input: unknown[], storing: boolean): JsonRecord {
  let body = raw;
  const resolved =
    raw.previous_response_id != null || (Array.isArray(raw.input) && raw.input.some(isReference));
  if (resolved) {
    const { previous_response_id: _resolved, ...rest } = raw;
    body = { ...rest, input };
  }
  return storing ? withEncryptedReasoning(body) : body;
}

/** Stores an answer; a store that fails is logged, as the client has its answer either way. */
async function remember(
  request: FastifyRequest,
  storage: ResponseStorage,
  stored: Parameters<ResponseStorage["store"]["put"]>[0],
): Promise<void> {
  try {
    await storage.store.put(stored);
  } catch (error) {
    request.log.warn({ err: error }, "could not store a response; previous_response_id will not find it");
  }
}

function requireStorage(storage: ResponseStorage, what: string, param?: string): void {
  if (storage.enabled) return;
  throw new GatewayError(
    "storage_disabled",
    `${what[0]?.toUpperCase()}${what.slice(1)} needs the gateway's response store, which is off (responses.store.kind: off in the gateway's config). Send the whole conversation in 'input' (with store: false), or have the store turned on.`,
    param === undefined ? {} : { param },
  );
}

function notStored(id: string): GatewayError {
  return new GatewayError("not_found", `No response with id '${id}' is stored.`, { param: "response_id" });
}
