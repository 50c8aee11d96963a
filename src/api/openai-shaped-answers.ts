import type { FastifyReply } from "fastify";
import type {
  ChatRequest,
  CompletionsRequest,
  EmbeddingsRequest,
  Operation,
  Usage,
} from "../canonical/index.js";
import { encodeOpenAIChatResponse } from "../dialects/openai/chat-response-encoder.js";
import { createOpenAIChatStreamEncoder } from "../dialects/openai/chat-stream-encoder.js";
import { encodeOpenAICompletionsResponse } from "../dialects/openai/completions-response-encoder.js";
import { createOpenAICompletionsStreamEncoder } from "../dialects/openai/completions-stream-encoder.js";
import type { EmbeddingsEncodingFormat } from "../dialects/openai/embeddings-request-decoder.js";
import { encodeOpenAIEmbeddingsResponse } from "../dialects/openai/embeddings-response-encoder.js";
import { encodeOpenAIError } from "../dialects/openai/error-encoder.js";
import { reportedModel } from "../dialects/openai/reported-model.js";
import { createResponseId } from "../dialects/openai/response-id.js";
import type { Principal } from "../governance/principal.js";
import { performAttempt } from "../routing/execute-route.js";
import { openStreamAttempt } from "../routing/execute-route-stream.js";
import { fetchRelayedJson, openRelayedStream } from "../routing/relay-upstream.js";
import { callWithResilience } from "../routing/resilient-call.js";
import type { Route, RouteTable } from "../routing/route-table.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { continuationSource, continuesAfter } from "../routing/stream-continuation.js";
import { withAddedFields } from "../serialisation/client-json.js";
import { withContinuation } from "../streaming/continued-stream.js";
import { canPassThrough, passThroughFor } from "../streaming/pass-through.js";
import { attemptRecorder } from "./attempt-observer.js";
import { canonicalFinish } from "./canonical-finish.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { continuationObserver } from "./continuation-observer.js";
import type { DeferredRequest } from "./deferred-request.js";
import { type StreamChunkEncoder, sendEventStream } from "./event-stream-response.js";
import { sendRelayedStream } from "./relay-stream-response.js";
import { noteContinuation, noteSkippedFrame } from "./stream-notes.js";

/** A request's route, with the table it was found in, the holder that admits requests to it, and the caller. */
export interface ServedRoute {
  holder: RouteTableHolder;
  table: RouteTable;
  route: Route;
  /** The request's authenticated key (`request.principal`); null on an open gateway. */
  principal: Principal | null;
}

/**
 * Answers OpenAI-shaped requests (the OpenAI API and MLflow's deployments API share the wire format) on a route,
 * streaming or not, with the route's retries and fallbacks. Each attempt either relays bytes (a target whose
 * wire format is the client's: see streaming/pass-through.ts) or translates through the canonical model.
 * The table is held until the answer, or the stream, is complete.
 */
export async function answerChat(
  reply: FastifyReply,
  served: ServedRoute,
  request: DeferredRequest<ChatRequest>,
): Promise<unknown> {
  decodeUnlessRelayed(served.route, "chat", request);
  if (request.streaming) {
    const encoder = createOpenAIChatStreamEncoder(
      streamOptions("chatcmpl", served.route, request.includeUsage),
    );
    return serve(reply, served, (route) => stream(reply, route, "chat", request, encoder));
  }
  return serve(reply, served, async (route) => {
    const answer = await answerWhole(reply, route, "chat", request);
    return answer.kind === "relayed"
      ? answer.reply
      : encodeOpenAIChatResponse(answer.response, reportedModel(answer.response.model, route.name));
  });
}

export async function answerCompletions(
  reply: FastifyReply,
  served: ServedRoute,
  request: DeferredRequest<CompletionsRequest>,
): Promise<unknown> {
  decodeUnlessRelayed(served.route, "completions", request);
  if (request.streaming) {
    const encoder = createOpenAICompletionsStreamEncoder(
      streamOptions("cmpl", served.route, request.includeUsage),
    );
    return serve(reply, served, (route) => stream(reply, route, "completions", request, encoder));
  }
  return serve(reply, served, async (route) => {
    const answer = await answerWhole(reply, route, "completions", request);
    return answer.kind === "relayed"
      ? answer.reply
      : encodeOpenAICompletionsResponse(answer.response, reportedModel(answer.response.model, route.name));
  });
}

export async function answerEmbeddings(
  reply: FastifyReply,
  served: ServedRoute,
  request: DeferredRequest<EmbeddingsRequest & { encodingFormat: EmbeddingsEncodingFormat }>,
): Promise<unknown> {
  decodeUnlessRelayed(served.route, "embeddings", request);
  return serve(reply, served, async (route) => {
    const answer = await answerWhole(reply, route, "embeddings", request);
    if (answer.kind === "relayed") return answer.reply;
    return encodeOpenAIEmbeddingsResponse(
      answer.response,
      reportedModel(answer.response.model, route.name),
      request.canonical.encodingFormat,
    );
  });
}

/**
 * Decodes (and so validates) the body up front unless the first target relays it: a bad request is then
 * refused before any attempt, in the client's dialect, rather than from inside the attempt loop.
 */
function decodeUnlessRelayed(route: Route, operation: Operation, request: DeferredRequest<unknown>): void {
  const first = route.targets[0];
  if (first === undefined || !canPassThrough("openai", operation, first)) void request.canonical;
}

type WholeAnswer<R> = { kind: "relayed"; reply: FastifyReply } | { kind: "translated"; response: R };

/** A non-streaming answer: relayed bytes from a same-dialect target, or a canonical response to encode. */
async function answerWhole<O extends Operation>(
  reply: FastifyReply,
  route: Route,
  operation: O,
  request: DeferredRequest<Parameters<typeof performAttempt<O>>[2]>,
): Promise<WholeAnswer<Awaited<ReturnType<typeof performAttempt<O>>>["response"]>> {
  const { value } = await callWithResilience(
    route,
    clientAbortSignal(reply.raw),
    async (target, signal, timeouts) => {
      const passThrough = passThroughFor("openai", operation, target, request.body);
      if (passThrough !== undefined) return fetchRelayedJson(passThrough, signal, timeouts);
      // Field by field rather than spread: see DESIGN.md, performance rules.
      const { response, upstreamMs } = await performAttempt(
        target,
        operation,
        request.canonical,
        signal,
        timeouts,
      );
      return { kind: "translated" as const, response, upstreamMs };
    },
    attemptRecorder(reply.request),
  );
  if (value.kind === "relayed-json") {
    observe(reply, value.upstreamMs, value.usage);
    observeFinish(reply, value.finish);
    return { kind: "relayed", reply: reply.type("application/json").send(value.text) };
  }
  observe(reply, value.upstreamMs, value.response.usage);
  observeFinish(reply, canonicalFinish(value.response));
  return { kind: "translated", response: value.response };
}

async function stream<O extends "chat" | "completions">(
  reply: FastifyReply,
  route: Route,
  operation: O,
  request: DeferredRequest<O extends "chat" ? ChatRequest : CompletionsRequest>,
  encoder: StreamChunkEncoder,
): Promise<FastifyReply> {
  const clientSignal = clientAbortSignal(reply.raw);
  const onSkippedFrame = (provider: string, reason: string): void =>
    noteSkippedFrame(reply, provider, reason);
  // The stream's usage is what it is billed by: ask OpenAI-shaped upstreams for it even when the client did
  // not (the extra chunk is then left out of the client's stream).
  const injectUsage = route.governance.config.injectStreamUsage && !request.includeUsage;
  const { value, target: served } = await callWithResilience(
    route,
    clientSignal,
    async (target, signal, timeouts) => {
      const passThrough = passThroughFor(
        "openai",
        operation,
        target,
        injectUsage ? withStreamUsage(request.body) : request.body,
      );
      if (passThrough !== undefined) {
        // The request is decoded only if the upstream ignores `stream` and answers with JSON.
        return openRelayedStream(passThrough, operation, () => request.canonical, signal, timeouts);
      }
      const canonical = injectUsage ? { ...request.canonical, streamIncludeUsage: true } : request.canonical;
      const opened = await openStreamAttempt(target, operation, canonical, signal, timeouts, onSkippedFrame);
      return { kind: "events" as const, events: opened.events, firstEventMs: opened.firstEventMs };
    },
    attemptRecorder(reply.request),
  );
  observe(reply, value.firstEventMs, undefined);
  const context = { route: route.name, target: served.label };
  // Only chat continues: a completion's prompt is not a conversation an assistant prefill can extend.
  const continuation =
    operation === "chat"
      ? continuationSource(
          route,
          served,
          () => request.canonical as ChatRequest,
          clientSignal,
          continuationObserver(reply, route),
        )
      : undefined;
  if (value.kind === "relayed-stream") {
    await sendRelayedStream(reply, value, clientSignal, context, {
      continuation,
      includeUsage: request.includeUsage,
    });
    return reply;
  }
  const events =
    continuation === undefined
      ? value.events
      : withContinuation(value.events, continuation, continuesAfter, (opened, failure, usageSoFar) =>
          noteContinuation(reply, opened.continuation, failure, usageSoFar),
        );
  await sendEventStream(reply, events, {
    encoder,
    encodeError: (error) => JSON.stringify(encodeOpenAIError(error.withContext(context))),
    doneMarker: true,
  });
  return reply;
}

function serve<T>(reply: FastifyReply, served: ServedRoute, work: (route: Route) => Promise<T>): Promise<T> {
  const observation = reply.request.observation;
  if (observation === null) throw new Error("a request is answered before its route is observed");
  return served.holder.serve(
    served.table,
    served.route,
    served.principal,
    () => work(served.route),
    observation.call,
  );
}

function streamOptions(prefix: "chatcmpl" | "cmpl", route: Route, includeUsage: boolean | undefined) {
  return {
    id: createResponseId(prefix),
    model: route.name,
    created: Math.floor(Date.now() / 1000),
    includeUsage: includeUsage === true,
  };
}

/** A relayed body asking the upstream for the stream's usage (`stream_options.include_usage`). */
function withStreamUsage(body: Record<string, unknown>): Record<string, unknown> {
  // Most clients send no stream_options: the body's text, if kept, then still serves the relay (client-json.ts).
  if (body.stream_options === undefined)
    return withAddedFields(body, { stream_options: { include_usage: true } });
  const options =
    typeof body.stream_options === "object" && body.stream_options !== null ? body.stream_options : {};
  return { ...body, stream_options: { ...options, include_usage: true } };
}

function observe(reply: FastifyReply, upstreamMs: number, usage: Usage | undefined): void {
  const observation = reply.request.observation;
  if (observation === null) return;
  observation.upstreamMs = upstreamMs;
  if (usage !== undefined) observation.usage = usage;
}

function observeFinish(reply: FastifyReply, finish: { model?: string; reasons: string[] } | undefined): void {
  const observation = reply.request.observation;
  if (observation === null || finish === undefined) return;
  observation.finishReasons = finish.reasons;
  if (finish.model !== undefined) observation.responseModel = finish.model;
}
