import type { Operation } from "../canonical/index.js";
import { ANTHROPIC_COUNT_TOKENS_RELAY, ANTHROPIC_MESSAGES_RELAY } from "../dialects/anthropic/relay-codec.js";
import { openAIRelayFor } from "../dialects/openai/relay-codec.js";
import { OPENAI_RESPONSES_RELAY } from "../dialects/openai-responses/relay-codec.js";
import type { RelayCodec } from "../dialects/relay-codec.js";
import type { ClientHeaders, RelayDialect, RelayQuirks, UpstreamCall } from "../providers/upstream-target.js";
import type { RouteTarget } from "../routing/route-table.js";
import { forgetClientText } from "../serialisation/client-json.js";

/** The ingress dialects that can relay an upstream's bytes untouched. */
export type PassThroughDialect = "openai" | RelayDialect;

export interface PassThrough {
  target: RouteTarget;
  /** The upstream call, prepared from the client's body. */
  call: UpstreamCall;
  /** What the relay needs to know of the dialect: frames, usage, finish, the end marker, its error events. */
  codec: RelayCodec;
  /** How the relayed answer differs from the client's dialect; empty when it is relayed byte for byte. */
  quirks: RelayQuirks;
}

const CODECS: Readonly<Record<RelayDialect, RelayCodec>> = {
  "anthropic-messages": ANTHROPIC_MESSAGES_RELAY,
  "anthropic-count-tokens": ANTHROPIC_COUNT_TOKENS_RELAY,
  "openai-responses": OPENAI_RESPONSES_RELAY,
};

const NO_HEADERS: ClientHeaders = {};
const NO_QUIRKS: RelayQuirks = {};

/**
 * The one place that decides whether a request is relayed instead of translated: when the client's dialect is
 * the upstream's and the provider declares the operation's wire format the client's (OpenAI client and
 * OpenAI-shaped provider; Anthropic client and Anthropic provider; Responses client and an upstream with OpenAI's
 * Responses API), the client's body goes on with only the model set (and, for OpenAI-shaped providers, their
 * declared request differences applied), and the answer's bytes come back untouched but for the provider's
 * declared answer differences. This is where most of the gateway's speed comes from. Undefined when the target
 * cannot relay, or cannot take this body as it is (the request is then translated). Throws for a field the
 * provider refuses.
 */
export function passThroughFor(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
  body: Record<string, unknown>,
  headers: ClientHeaders = NO_HEADERS,
): PassThrough | undefined {
  const passThrough = relayOf(dialect, operation, target, body, headers);
  // A body this attempt translates lets its text go (serialisation/client-json.ts): a translated stream would
  // otherwise keep it for as long as it runs. A later relay of it serialises the body.
  if (passThrough === undefined) forgetClientText(body);
  return passThrough;
}

function relayOf(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
  body: Record<string, unknown>,
  headers: ClientHeaders,
): PassThrough | undefined {
  const upstream = target.upstream;
  if (upstream.transport !== "http" || target.pool === undefined) return undefined;
  const codec = upstream.operations[operation];
  if (codec === undefined) return undefined;
  if (dialect === "openai") {
    if (codec.passThrough === undefined) return undefined;
    const call = codec.passThrough(body);
    if (call === undefined) return undefined;
    return {
      target,
      call,
      codec: openAIRelayFor(upstream.providerDisplayName),
      quirks: codec.relay ?? NO_QUIRKS,
    };
  }
  const relay = codec.relays?.[dialect];
  if (relay === undefined) return undefined;
  return { target, call: relay(body, headers), codec: CODECS[dialect], quirks: NO_QUIRKS };
}

/** Whether the target may relay this operation at all (before looking at a body). */
export function canPassThrough(
  dialect: PassThroughDialect,
  operation: Operation,
  target: RouteTarget,
): boolean {
  const upstream = target.upstream;
  if (upstream.transport !== "http" || target.pool === undefined) return false;
  const codec = upstream.operations[operation];
  if (dialect === "openai") return codec?.passThrough !== undefined;
  return codec?.relays?.[dialect] !== undefined;
}
