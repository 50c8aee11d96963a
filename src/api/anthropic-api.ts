import type { FastifyInstance } from "fastify";
import { createMessageId } from "../dialects/anthropic/message-id.js";
import { decodeMessagesRequest, decodePrompt } from "../dialects/anthropic/messages-request-decoder.js";
import {
  countTokensRequestSchema,
  messagesRequestSchema,
  parseAnthropicBody,
} from "../dialects/anthropic/messages-request-schema.js";
import { encodeMessagesResponse } from "../dialects/anthropic/messages-response-encoder.js";
import { MessagesStreamEncoder } from "../dialects/anthropic/messages-stream-encoder.js";
import { reportedModel } from "../dialects/openai/reported-model.js";
import { fetchRelayedJson } from "../routing/relay-upstream.js";
import { callWithResilience } from "../routing/resilient-call.js";
import type { Route } from "../routing/route-table.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { passThroughFor } from "../streaming/pass-through.js";
import { anthropicErrorFormat } from "./anthropic-error-format.js";
import { attemptRecorder } from "./attempt-observer.js";
import { answerChatIngress, type ChatIngress } from "./chat-ingress.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { jsonObjectBody } from "./deferred-request.js";
import { ANTHROPIC_COUNT_TOKENS_EXAMPLES, ANTHROPIC_MESSAGES_EXAMPLES } from "./openapi/anthropic-schemas.js";
import {
  ATTRIBUTION_HEADERS,
  allErrorsBut,
  errorResponses,
  jsonBody,
  jsonResponse,
} from "./openapi/operation-docs.js";
import { estimatePromptTokens } from "./prompt-token-estimate.js";
import { observeRoute } from "./request-observation.js";
import { routeForRequest } from "./route-for-request.js";

const TAGS = ["Anthropic Messages API"];

const messagesRouteSchema = {
  operationId: "createMessage",
  tags: TAGS,
  summary: "Create a message",
  description:
    "Anthropic's Messages API: `model` is a route name or alias. Relayed as it is to Anthropic targets (with `anthropic-version` and `anthropic-beta`); translated for others.",
  body: jsonBody("AnthropicMessagesRequest", ANTHROPIC_MESSAGES_EXAMPLES),
  headers: ATTRIBUTION_HEADERS,
  response: {
    200: jsonResponse(
      "A message, or its stream.",
      "AnthropicMessage",
      {},
      {
        itemSchemaName: "AnthropicStreamEvent",
        errorSchemaName: "AnthropicError",
        description:
          'With `"stream": true`: Anthropic\'s events, from `message_start` to `message_stop`; a broken stream ends with an `error` event.',
      },
    ),
    ...errorResponses(anthropicErrorFormat, allErrorsBut(anthropicErrorFormat)),
  },
};

const countTokensRouteSchema = {
  operationId: "countMessageTokens",
  tags: TAGS,
  summary: "Count the tokens of a message",
  description:
    "Counted by Anthropic for Anthropic targets; estimated with the o200k_base tokenizer for other targets.",
  body: jsonBody("AnthropicCountTokensRequest", ANTHROPIC_COUNT_TOKENS_EXAMPLES),
  headers: ATTRIBUTION_HEADERS,
  response: {
    200: jsonResponse("The prompt's token count.", "AnthropicTokenCount"),
    ...errorResponses(anthropicErrorFormat, allErrorsBut(anthropicErrorFormat)),
  },
};

/**
 * Anthropic's Messages API under `/v1` (https://docs.anthropic.com/en/api/messages), where `model` names a route
 * or one of its aliases: Claude Code (`ANTHROPIC_BASE_URL`) and the Anthropic SDKs work through the gateway
 * whatever provider serves the route. Anthropic targets get the request relayed as it is (with the client's
 * `anthropic-version` and `anthropic-beta`); others get it translated. Errors use Anthropic's envelope (anthropic-error-format.ts).
 */
export async function registerAnthropicApi(app: FastifyInstance, holder: RouteTableHolder): Promise<void> {
  await app.register(
    async (scope) => {
      scope.post("/messages", { schema: messagesRouteSchema }, async (request, reply) => {
        const body = jsonObjectBody(request.body);
        const table = holder.current;
        const route = routeForRequest(table, modelOf(body), "chat", "/v1/messages");
        observeRoute(reply, "anthropic", route);
        return answerChatIngress(
          reply,
          { holder, table, route, principal: request.principal },
          {
            body,
            headers: request.headers,
            streaming: body.stream === true,
            decode: () => decodeMessagesRequest(parseAnthropicBody(messagesRequestSchema, body)),
          },
          messagesIngress(route),
        );
      });
      scope.post("/messages/count_tokens", { schema: countTokensRouteSchema }, async (request, reply) => {
        const body = jsonObjectBody(request.body);
        const table = holder.current;
        const route = routeForRequest(table, modelOf(body), "chat", "/v1/messages/count_tokens");
        const { call } = observeRoute(reply, "anthropic", route);
        return holder.serve(
          table,
          route,
          request.principal,
          async () => {
            const { value } = await callWithResilience(
              route,
              clientAbortSignal(reply.raw),
              async (target, signal, timeouts) => {
                const relay = passThroughFor("anthropic-count-tokens", "chat", target, body, request.headers);
                if (relay !== undefined) return fetchRelayedJson(relay, signal, timeouts);
                const prompt = decodePrompt(parseAnthropicBody(countTokensRequestSchema, body)).request;
                return { kind: "estimated" as const, inputTokens: await estimatePromptTokens(prompt) };
              },
              attemptRecorder(reply.request),
            );
            if (value.kind === "estimated") return { input_tokens: value.inputTokens };
            return reply.type("application/json").send(value.text);
          },
          call,
        );
      });
    },
    { prefix: "/v1" },
  );
}

/** The body's `model`; a body without a string `model` gets the schema's own error. */
function modelOf(body: Record<string, unknown>): string {
  if (typeof body.model === "string") return body.model;
  return parseAnthropicBody(countTokensRequestSchema, body).model;
}

function messagesIngress(route: Route): ChatIngress {
  const id = createMessageId();
  return {
    relay: "anthropic-messages",
    featureNames: {
      reasoning: { what: "extended thinking", param: "thinking" },
      top_k: { what: "top_k sampling", param: "top_k" },
    },
    encode: (response) => encodeMessagesResponse(response, id, reportedModel(response.model, route.name)),
    createStreamEncoder: () => new MessagesStreamEncoder(id, route.name),
  };
}
