import type { StreamEvent, Usage } from "../canonical/index.js";
import { GatewayError } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import type { RelayedFinish } from "../dialects/relay-codec.js";
import { concatFrames, type RelayedFrames, SseFrameRelay } from "../framing/sse-frame-relay.js";
import type { HttpUpstreamTarget, RequestOf } from "../providers/upstream-target.js";
import type { PassThrough } from "../streaming/pass-through.js";
import { responseToEvents } from "../streaming/response-to-events.js";
import type { CancelSignal } from "./cancel-signal.js";
import {
  type OpenedUpstreamCall,
  operationOf,
  readUpstreamText,
  sendUpstreamCall,
} from "./upstream-client.js";
import { upstreamFailure } from "./upstream-failure.js";
import { decodeUpstreamBody, upstreamHttpError } from "./upstream-response.js";

/** A whole upstream answer to relay as it is. */
export interface RelayedJson {
  kind: "relayed-json";
  text: string;
  /** The same answer parsed: it had to be read to know it is JSON, and the usage is in it. */
  body: unknown;
  upstreamMs: number;
  /** What the relay codec reads of the answer: its usage, and its model and finish reasons. */
  usage: Usage | undefined;
  finish: RelayedFinish | undefined;
}

/** An upstream stream whose first token has arrived (the commit point), ready to relay. */
export interface RelayedStream {
  kind: "relayed-stream";
  upstream: HttpUpstreamTarget;
  opened: OpenedUpstreamCall;
  chunks: AsyncIterator<unknown>;
  relay: SseFrameRelay;
  /** The frames up to the first token's (what opened the stream included), held until then. */
  first: RelayedFrames;
  codec: PassThrough["codec"];
  quirks: PassThrough["quirks"];
  firstEventMs: number;
}

/** A stream the upstream answered with one JSON body, replayed as canonical events. */
export interface ReplayedStream {
  kind: "events";
  events: AsyncIterable<StreamEvent>;
  firstEventMs: number;
}

/**
 * Sends the client's body, as the pass-through prepared it, and reads the whole answer (one pass-through
 * attempt). The answer is relayed as it came, unless the provider declares a difference it shows.
 */
export async function fetchRelayedJson(
  passThrough: PassThrough,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<RelayedJson> {
  const { upstream, pool } = httpTarget(passThrough);
  const started = performance.now();
  const opened = await sendUpstreamCall(upstream, pool, passThrough.call, signal, timeouts);
  const raw = await readUpstreamText(upstream, opened, signal);
  const answer = parseJsonAnswer(upstream, opened, raw);
  // Leading blank lines (DeepSeek sends them while a request waits, https://api-docs.deepseek.com/quick_start/rate_limit)
  // are valid JSON whitespace, but some clients check the first byte.
  const text = passThrough.quirks.rewrite?.(raw) ?? (isSpace(raw.charCodeAt(0)) ? raw.trimStart() : raw);
  const upstreamMs = performance.now() - started;
  const { codec } = passThrough;
  return {
    kind: "relayed-json",
    text,
    body: answer,
    upstreamMs,
    usage: codec.usageOfAnswer(answer),
    finish: codec.finishOfAnswer(answer),
  };
}

function isSpace(code: number): boolean {
  return code === 10 || code === 13 || code === 32 || code === 9;
}

/**
 * Opens a pass-through stream on the target and waits for its first token (one attempt): the frames before it
 * (the stream's opening, e.g. the role chunk) are held, so that a target that opens its stream and then stays
 * silent past `first_token_seconds` is a failed attempt, left for the next target before the client has seen a
 * byte. An upstream that ignored `stream` and answered with JSON is replayed as events instead, decoded by the
 * operation's own decoder (the relayed dialect is the operation's wire format, but for Responses relays, whose
 * upstreams always stream when asked).
 */
export async function openRelayedStream<O extends "chat" | "completions">(
  passThrough: PassThrough,
  operation: O,
  /** The decoded request, asked for only if the upstream answers with JSON (to decode that answer). */
  request: () => RequestOf<O>,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<RelayedStream | ReplayedStream> {
  const { upstream, pool } = httpTarget(passThrough);
  const started = performance.now();
  const opened = await sendUpstreamCall(upstream, pool, passThrough.call, signal, timeouts, true);
  const { statusCode, headers } = opened.response;
  if (statusCode >= 400 || !/^text\/event-stream\b/i.test(String(headers["content-type"] ?? ""))) {
    const text = await readUpstreamText(upstream, opened, signal);
    const response = operationOf(upstream, operation).decodeResponse(
      parseJsonAnswer(upstream, opened, text),
      request(),
    );
    return { kind: "events", events: responseToEvents(response), firstEventMs: performance.now() - started };
  }
  const chunks = opened.response.body[Symbol.asyncIterator]();
  const relay = new SseFrameRelay();
  let held: RelayedFrames | undefined;
  try {
    while (true) {
      const next = await chunks.next();
      if (next.done === true) break;
      const read = relay.push(next.value as Buffer);
      held = held === undefined ? read : concatFrames(held, read);
      if (startsAnswer(passThrough, read)) {
        opened.firstTokenArrived();
        return {
          kind: "relayed-stream",
          upstream,
          opened,
          chunks,
          relay,
          first: held,
          codec: passThrough.codec,
          quirks: passThrough.quirks,
          firstEventMs: performance.now() - started,
        };
      }
    }
  } catch (error) {
    opened.response.body.destroy();
    if (signal.aborted) throw signal.reason;
    throw upstreamFailure(error, upstream.providerDisplayName, opened.timedOut());
  }
  throw new GatewayError(
    "upstream_invalid_response",
    `${upstream.providerDisplayName} ended the stream without sending anything.`,
  );
}

/**
 * The commit point of a relayed stream: whether these frames bring the first token. Nothing has been sent yet,
 * so a stream that fails (an in-band error, a failure the client could not read) or ends before it is a failed
 * attempt (retried, or answered with an HTTP error status), not a 200 stream that carries only the failure.
 * Unreadable frames are skipped, as they are once the stream runs.
 */
function startsAnswer(passThrough: PassThrough, frames: RelayedFrames): boolean {
  const { codec } = passThrough;
  for (const frame of frames.frames) {
    const chunk = codec.readFrame(frame);
    if (chunk.kind === "chunk") {
      if (codec.carriesToken(chunk.payload)) return true;
    } else if (chunk.kind === "done") {
      if (codec.endsWithAnswer) return true;
      throw new GatewayError(
        "upstream_invalid_response",
        `${passThrough.target.upstream.providerDisplayName} ended the stream without sending anything.`,
      );
    } else if (chunk.kind !== "unreadable") {
      throw chunk.error;
    }
  }
  return false;
}

/**
 * Reads a whole answer before it is relayed. Errors are the gateway's even when the answer is relayed: status
 * and message passed on (redacted). A success that is not JSON, or JSON that does not parse (a body cut short
 * by a proxy, say), is an invalid response: retried or reported as a 502, never passed to the client as a 200.
 */
function parseJsonAnswer(upstream: HttpUpstreamTarget, opened: OpenedUpstreamCall, text: string): unknown {
  const { statusCode, headers } = opened.response;
  const body = decodeUpstreamBody(upstream, statusCode, headers, text);
  if (statusCode >= 400) throw upstreamHttpError(upstream, statusCode, headers, body);
  const contentType = String(headers["content-type"] ?? "");
  if (!/\bjson\b/i.test(contentType)) {
    throw new GatewayError(
      "upstream_invalid_response",
      `${upstream.providerDisplayName} answered HTTP ${statusCode} with content type '${contentType || "none"}', not JSON.`,
    );
  }
  return body;
}

function httpTarget(passThrough: PassThrough): {
  upstream: HttpUpstreamTarget;
  pool: NonNullable<PassThrough["target"]["pool"]>;
} {
  const { upstream, pool, label } = passThrough.target;
  if (upstream.transport !== "http" || pool === undefined) {
    throw new GatewayError("internal_error", `Target ${label} cannot relay: it is not an HTTP upstream.`);
  }
  return { upstream, pool };
}
