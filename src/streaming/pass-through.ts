import type { Operation } from "../canonical/index.js";
import { ANTHROPIC_COUNT_TOKENS_RELAY, ANTHROPIC_MESSAGES_RELAY } from "../dialects/anthropic/relay-codec.js";
import { OPENAI_RELAY } from "../dialects/openai/relay-codec.js";
import { OPENAI_RESPONSES_RELAY } from "../dialects/openai-responses/relay-codec.js";
import type { RelayCodec } from "../dialects/relay-codec.js";
import type { ClientHeaders, RelayDialect, UpstreamCall } from "../providers/upstream-target.js";
import type { RouteTarget } from "../routing/route-table.js";

/** The ingress dialects that can relay an upstream's bytes untouched. */
export type PassThroughDialect = "openai" | RelayDialect;

export interface PassThrough {
  target: RouteTarget;
  prepare(body: Record<string, unknown>): UpstreamCall;
  /** What the relay needs to know of the dialect: frames, usage, the end marker, its error events. */
  codec: RelayCodec;
}

const CODECS: Readonly<Record<PassThroughDialect, RelayCodec>> = {
  openai: OPENAI_RELAY,
  "anthropic-messages": ANTHROPIC_MESSAGES_RELAY,
  "anthropic-count-tokens": ANTHROPIC_COUNT_TOKENS_RELAY,
  "openai-responses": OPENAI_RESPONSES_RELAY,
};

const NO_HEADERS: ClientHeaders = {};

/**
 * The one place that decides whether a request is relayed byte for byte instead of translated: when the
 * client's dialect is the upstream's and the provider declares the operation's wire format identical to the
 * client's (OpenAI client and OpenAI-shaped provider; Anthropic client and Anthropic provider; Responses client
 * and an upstream with OpenAI's Responses API), nothing needs rewriting but the model name, so request and
 * response bytes go through untouched. This is where most of the gateway's speed comes from.
 */
export function passThroughFor(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
  headers: ClientHeaders = NO_HEADERS,
): PassThrough | undefined {
  const upstream = target.upstream;
  if (upstream.transport !== "http" || target.pool === undefined) return undefined;
  const codec = upstream.operations[operation];
  if (codec === undefined) return undefined;
  if (dialect === "openai") {
    const passThrough = codec.passThrough;
    if (passThrough === undefined) return undefined;
    return { target, prepare: (body) => passThrough.call(codec, body), codec: OPENAI_RELAY };
  }
  const relay = codec.relays?.[dialect];
  if (relay === undefined) return undefined;
  return { target, prepare: (body) => relay(body, headers), codec: CODECS[dialect] };
}
