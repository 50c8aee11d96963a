import type { FastifyReply } from "fastify";
import type { ChatFeature, ChatResponse, Usage } from "../canonical/index.js";
import { requiredFeatures } from "../canonical/index.js";
import type { RelayedFinish } from "../dialects/relay-codec.js";
import type { DialectStreamEncoder } from "../dialects/stream-frame.js";
import type { DecodedChat } from "../dialects/untranslatable.js";
import type { ClientHeaders, RelayDialect } from "../providers/upstream-target.js";
import { capableTargets, type UnmetRequirement } from "../routing/capable-targets.js";
import { performAttempt } from "../routing/execute-route.js";
import { openStreamAttempt } from "../routing/execute-route-stream.js";
import { fetchRelayedJson, openRelayedStream } from "../routing/relay-upstream.js";
import { callWithResilience } from "../routing/resilient-call.js";
import type { Route, RouteTarget } from "../routing/route-table.js";
import { continuationSource, continuesAfter } from "../routing/stream-continuation.js";
import { withContinuation } from "../streaming/continued-stream.js";
import { canPassThrough, passThroughFor } from "../streaming/pass-through.js";
import { attemptRecorder } from "./attempt-observer.js";
import { canonicalFinish } from "./canonical-finish.js";
import { clientAbortSignal } from "./client-abort-signal.js";
import { continuationObserver } from "./continuation-observer.js";
import { sendEventStream } from "./event-stream-response.js";
import type { ServedRoute } from "./openai-shaped-answers.js";
import { sendRelayedStream } from "./relay-stream-response.js";
import { noteContinuation, noteSkippedFrame } from "./stream-notes.js";

/** What an ingress dialect of the chat family (Anthropic Messages, OpenAI Responses) gives the shared answering. */
export interface ChatIngress {
  /** The client dialect, for same-dialect relays. */
  relay: RelayDialect;
  /** Each feature's name and field in the client's words, for the 400 that refuses it: `thinking`. */
  featureNames: Readonly<Record<ChatFeature, { what: string; param: string }>>;
  /** A translated answer in the client's dialect. */
  encode(response: ChatResponse, target: RouteTarget): Record<string, unknown>;
  createStreamEncoder(): DialectStreamEncoder;
  /**
   * Called with the whole answer (in the client's dialect) once it is complete and before the client has all of
   * it, so that a follow-up request the client sends at once finds it (the Responses store). Must not throw.
   */
  remember?(answer: Record<string, unknown>): Promise<void>;
  /** The answer the client gets for a translated answer (`encode`'s, less what only `remember` needs). */
  forClient?(answer: Record<string, unknown>): Record<string, unknown>;
}

/** A request of a chat-family ingress: the client's body (relayed as it is) and its decoding, made when needed. */
export interface IngressRequest {
  body: Record<string, unknown>;
  headers: ClientHeaders;
  streaming: boolean;
  /** The canonical request; throws the dialect's 400 for a body it cannot decode. Called at most once. */
  decode(): DecodedChat;
}

/**
 * Answers a chat-family request on a route, streaming or not, with the route's retries and fallbacks. Each attempt
 * relays the client's bytes to a target that speaks the client's dialect (streaming/pass-through.ts), or
 * translates through the canonical model. Targets that cannot honour the request (a feature they lack, something
 * only the client's own API has) are left out; when none can, the request gets a 400 naming what it asked for.
 * A route whose targets all relay never decodes the body: the upstream validates it, in the same dialect.
 */
export async function answerChatIngress(
  reply: FastifyReply,
  served: ServedRoute,
  request: IngressRequest,
  ingress: ChatIngress,
): Promise<unknown> {
  const relays = (target: RouteTarget) => canPassThrough(ingress.relay, "chat", target);
  let decoded: DecodedChat | undefined;
  let route = served.route;
  if (!route.targets.every(relays)) {
    decoded = request.decode();
    const needs = decoded;
    route = capableTargets(route, (target) => (relays(target) ? undefined : unmetBy(target, needs, ingress)));
  }
  const canonical = () => {
    decoded ??= request.decode();
    return decoded.request;
  };
  const work = request.streaming
    ? () => stream(reply, route, request, ingress, canonical)
    : () => answerWhole(reply, route, request, ingress, canonical);
  const observation = reply.request.observation;
  if (observation === null) throw new Error("a request is answered before its route is observed");
  return served.holder.serve(served.table, served.route, served.principal, work, observation.call);
}

/** What a translating target lacks for this request; undefined when it can serve it. */
function unmetBy(
  target: RouteTarget,
  decoded: DecodedChat,
  ingress: ChatIngress,
): UnmetRequirement | undefined {
  const untranslatable = decoded.untranslatable[0];
  if (untranslatable !== undefined) {
    return {
      ...untranslatable,
      because: `does not speak this API natively, and the gateway cannot translate ${untranslatable.what}`,
    };
  }
  const supported = target.upstream.features ?? [];
  const missing = requiredFeatures(decoded.request).find((feature) => !supported.includes(feature));
  return missing === undefined
    ? undefined
    : { ...ingress.featureNames[missing], because: "does not support it" };
}

async function answerWhole(
  reply: FastifyReply,
  route: Route,
  request: IngressRequest,
  ingress: ChatIngress,
  canonical: () => DecodedChat["request"],
): Promise<unknown> {
  const { value } = await callWithResilience(
    route,
    clientAbortSignal(reply.raw),
    async (target, signal, timeouts) => {
      const passThrough = passThroughFor(ingress.relay, "chat", target, request.body, request.headers);
      if (passThrough !== undefined) return fetchRelayedJson(passThrough, signal, timeouts);
      // Field by field rather than spread: see DESIGN.md, performance rules.
      const { response, upstreamMs } = await performAttempt(target, "chat", canonical(), signal, timeouts);
      return { kind: "translated" as const, target, response, upstreamMs };
    },
    attemptRecorder(reply.request),
  );
  if (value.kind === "relayed-json") {
    observe(reply, value.upstreamMs, value.usage, value.finish);
    if (isObject(value.body)) await ingress.remember?.(value.body);
    return reply.type("application/json").send(value.text);
  }
  observe(reply, value.upstreamMs, value.response.usage, canonicalFinish(value.response));
  const answer = ingress.encode(value.response, value.target);
  await ingress.remember?.(answer);
  return ingress.forClient?.(answer) ?? answer;
}

async function stream(
  reply: FastifyReply,
  route: Route,
  request: IngressRequest,
  ingress: ChatIngress,
  canonical: () => DecodedChat["request"],
): Promise<FastifyReply> {
  const clientSignal = clientAbortSignal(reply.raw);
  const { value, target: served } = await callWithResilience(
    route,
    clientSignal,
    async (target, signal, timeouts) => {
      const passThrough = passThroughFor(ingress.relay, "chat", target, request.body, request.headers);
      if (passThrough !== undefined)
        return openRelayedStream(passThrough, "chat", canonical, signal, timeouts);
      const opened = await openStreamAttempt(
        target,
        "chat",
        canonical(),
        signal,
        timeouts,
        (provider, reason) => noteSkippedFrame(reply, provider, reason),
      );
      return { kind: "events" as const, events: opened.events, firstEventMs: opened.firstEventMs };
    },
    attemptRecorder(reply.request),
  );
  observe(reply, value.firstEventMs, undefined);
  const remember = ingress.remember;
  const continuation = continuationSource(
    route,
    served,
    canonical,
    clientSignal,
    continuationObserver(reply, route),
  );
  if (value.kind === "relayed-stream") {
    await sendRelayedStream(
      reply,
      value,
      clientSignal,
      { route: route.name, target: served.label },
      {
        continuation,
        includeUsage: false,
        beforeEnd:
          remember === undefined
            ? undefined
            : async (answer) => {
                if (answer !== undefined) await remember(answer);
              },
      },
    );
    return reply;
  }
  const events =
    continuation === undefined
      ? value.events
      : withContinuation(value.events, continuation, continuesAfter, (opened, failure, usageSoFar) =>
          noteContinuation(reply, opened.continuation, failure, usageSoFar),
        );
  const encoder = ingress.createStreamEncoder();
  await sendEventStream(reply, events, {
    encoder,
    doneMarker: false,
    ...(remember === undefined
      ? {}
      : {
          beforeEnd: async () => {
            const answer = encoder.final?.();
            if (answer !== undefined) await remember(answer);
          },
        }),
  });
  return reply;
}

function observe(
  reply: FastifyReply,
  upstreamMs: number,
  usage: Usage | undefined,
  finish?: RelayedFinish,
): void {
  const observation = reply.request.observation;
  if (observation === null) return;
  observation.upstreamMs = upstreamMs;
  if (usage !== undefined) observation.usage = usage;
  if (finish === undefined) return;
  observation.finishReasons = finish.reasons;
  if (finish.model !== undefined) observation.responseModel = finish.model;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
