import type { Operation } from "../canonical/index.js";
import { type RelayedChunk, readRelayedChunk } from "../dialects/openai/relayed-chunk.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import type { UpstreamCall } from "../providers/upstream-target.js";
import type { RouteTarget } from "../routing/route-table.js";

/** The ingress dialects that can relay an upstream's bytes untouched. */
export type PassThroughDialect = "openai";

export interface PassThrough {
  target: RouteTarget;
  prepare(body: Record<string, unknown>): UpstreamCall;
  /** What a relayed stream frame means in the dialect: a chunk to pass on, the end, or a broken stream. */
  readFrame(frame: SseFrame): RelayedChunk;
}

/**
 * The one place that decides whether a request is relayed byte for byte instead of translated: when the
 * client's dialect is the upstream's and the provider declares the operation's wire format identical to the
 * client's (OpenAI client, OpenAI-shaped provider), nothing needs rewriting but the model name, so request and
 * response bytes go through untouched. This is where most of the gateway's speed comes from.
 */
export function passThroughFor(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
): PassThrough | undefined {
  const upstream = target.upstream;
  if (dialect !== "openai" || upstream.transport !== "http" || target.pool === undefined) return undefined;
  const codec = upstream.operations[operation];
  const passThrough = codec?.passThrough;
  if (passThrough === undefined) return undefined;
  return { target, prepare: (body) => passThrough.call(codec, body), readFrame: readRelayedChunk };
}
