import type { FastifyReply } from "fastify";
import type { ChatRequest, CompletionsRequest, EmbeddingsRequest, Usage } from "../canonical/index.js";
import { encodeOpenAIChatResponse } from "../dialects/openai/chat-response-encoder.js";
import { createOpenAIChatStreamEncoder } from "../dialects/openai/chat-stream-encoder.js";
import { encodeOpenAICompletionsResponse } from "../dialects/openai/completions-response-encoder.js";
import { createOpenAICompletionsStreamEncoder } from "../dialects/openai/completions-stream-encoder.js";
import type { EmbeddingsEncodingFormat } from "../dialects/openai/embeddings-request-decoder.js";
import { encodeOpenAIEmbeddingsResponse } from "../dialects/openai/embeddings-response-encoder.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import { reportedModel } from "../dialects/openai/reported-model.js";
import { createResponseId } from "../dialects/openai/response-id.js";
import { executeRoute, firstTarget } from "../routing/execute-route.js";
import { startRouteStream } from "../routing/execute-route-stream.js";
import type { Route, RouteTable } from "../routing/route-table.js";
import { passThroughFor } from "../streaming/pass-through.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { type StreamChunkEncoder, sendEventStream } from "./event-stream-response.js";
import { relayAnswer } from "./pass-through-answer.js";

/**
 * Answers OpenAI-shaped requests (the OpenAI API and MLflow's deployments API share the wire format) on a route,
 * streaming or not. The table is held until the answer, or the stream, is complete.
 */
export async function answerChat(
  reply: FastifyReply,
  table: RouteTable,
  route: Route,
  request: ChatRequest,
  body: Record<string, unknown>,
): Promise<unknown> {
  return holding(table, async () => {
    const passThrough = passThroughFor("openai", "chat", firstTarget(route));
    if (passThrough !== undefined) {
      return relayAnswer(reply, route, passThrough, body, request.stream === true ? request : undefined);
    }
    const signal = clientAbortSignal(reply.raw);
    if (request.stream === true) {
      const encoder = createOpenAIChatStreamEncoder(
        streamOptions("chatcmpl", route, request.streamIncludeUsage),
      );
      return stream(reply, route, "chat", request, encoder, signal);
    }
    const { response, upstreamMs } = await executeRoute(route, "chat", request, signal);
    observe(reply, upstreamMs, response.usage);
    return encodeOpenAIChatResponse(response, reportedModel(response.model, route.name));
  });
}

export async function answerCompletions(
  reply: FastifyReply,
  table: RouteTable,
  route: Route,
  request: CompletionsRequest,
): Promise<unknown> {
  return holding(table, async () => {
    const signal = clientAbortSignal(reply.raw);
    if (request.stream === true) {
      const encoder = createOpenAICompletionsStreamEncoder(
        streamOptions("cmpl", route, request.streamIncludeUsage),
      );
      return stream(reply, route, "completions", request, encoder, signal);
    }
    const { response, upstreamMs } = await executeRoute(route, "completions", request, signal);
    observe(reply, upstreamMs, response.usage);
    return encodeOpenAICompletionsResponse(response, reportedModel(response.model, route.name));
  });
}

export async function answerEmbeddings(
  reply: FastifyReply,
  table: RouteTable,
  route: Route,
  request: EmbeddingsRequest,
  encodingFormat: EmbeddingsEncodingFormat,
  body: Record<string, unknown>,
): Promise<unknown> {
  return holding(table, async () => {
    const passThrough = passThroughFor("openai", "embeddings", firstTarget(route));
    if (passThrough !== undefined) return relayAnswer(reply, route, passThrough, body, undefined);
    const { response, upstreamMs } = await executeRoute(
      route,
      "embeddings",
      request,
      clientAbortSignal(reply.raw),
    );
    observe(reply, upstreamMs, response.usage);
    return encodeOpenAIEmbeddingsResponse(
      response,
      reportedModel(response.model, route.name),
      encodingFormat,
    );
  });
}

async function holding<T>(table: RouteTable, work: () => Promise<T>): Promise<T> {
  table.acquire();
  try {
    return await work();
  } finally {
    table.release();
  }
}

function streamOptions(prefix: "chatcmpl" | "cmpl", route: Route, includeUsage: boolean | undefined) {
  return {
    id: createResponseId(prefix),
    model: route.name,
    created: Math.floor(Date.now() / 1000),
    includeUsage: includeUsage === true,
  };
}

async function stream<O extends "chat" | "completions">(
  reply: FastifyReply,
  route: Route,
  operation: O,
  request: O extends "chat" ? ChatRequest : CompletionsRequest,
  encoder: StreamChunkEncoder,
  signal: AbortSignal,
): Promise<FastifyReply> {
  const started = await startRouteStream(route, operation, request, signal);
  const observation = reply.request.observation;
  if (observation !== null) observation.upstreamMs = started.firstEventMs;
  await sendEventStream(reply, started.events, {
    encoder,
    encodeError: (error) => JSON.stringify(encodeOpenAIError(error)),
    doneMarker: true,
  });
  return reply;
}

function observe(reply: FastifyReply, upstreamMs: number, usage: Usage): void {
  const observation = reply.request.observation;
  if (observation === null) return;
  observation.upstreamMs = upstreamMs;
  observation.usage = usage;
}
