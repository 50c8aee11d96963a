import type { Operation } from "../canonical/index.js";
import { type RelayedChunk, readRelayedChunk } from "../dialects/openai/relayed-chunk.js";
import type { SseFrame } from "../framing/sse-decoder.js";
import type { RelayQuirks, UpstreamCall } from "../providers/upstream-target.js";
import type { RouteTarget } from "../routing/route-table.js";

/** The ingress dialects that can relay an upstream's bytes untouched. */
export type PassThroughDialect = "openai";

export interface PassThrough {
  target: RouteTarget;
  /** The upstream call, prepared from the client's body. */
  call: UpstreamCall;
  /** What a relayed stream frame means in the dialect: a chunk to pass on, the end, or a broken stream. */
  readFrame(frame: SseFrame): RelayedChunk;
  /** How the relayed answer differs from the client's dialect; empty when it is relayed byte for byte. */
  quirks: RelayQuirks;
}

const NO_QUIRKS: RelayQuirks = {};

/**
 * The one place that decides whether a request is relayed instead of translated: when the client's dialect is
 * the upstream's and the provider declares the operation's wire format the client's (OpenAI client,
 * OpenAI-shaped provider), the client's body goes on with only the model set and the provider's declared request
 * differences applied, and the answer's bytes come back untouched but for the provider's declared answer
 * differences. This is where most of the gateway's speed comes from. Undefined when the target cannot relay,
 * or cannot take this body as it is (the request is then translated). Throws for a field the provider refuses.
 */
export function passThroughFor(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
  body: Record<string, unknown>,
): PassThrough | undefined {
  const upstream = target.upstream;
  if (dialect !== "openai" || upstream.transport !== "http" || target.pool === undefined) return undefined;
  const codec = upstream.operations[operation];
  if (codec?.passThrough === undefined) return undefined;
  const call = codec.passThrough(body);
  if (call === undefined) return undefined;
  const provider = upstream.providerDisplayName;
  return {
    target,
    call,
    readFrame: (frame) => readRelayedChunk(frame, provider),
    quirks: codec.relay ?? NO_QUIRKS,
  };
}

/** Whether the target may relay this operation at all (before looking at a body). */
export function canPassThrough(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
): boolean {
  const upstream = target.upstream;
  if (dialect !== "openai" || upstream.transport !== "http" || target.pool === undefined) return false;
  return upstream.operations[operation]?.passThrough !== undefined;
}
