import type { Dispatcher, Pool } from "undici";
import { GatewayError, type Operation } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import type {
  HttpOperation,
  HttpUpstreamTarget,
  RequestOf,
  ResponseOf,
} from "../providers/upstream-target.js";
import { asAbortSignal, type CancelSignal } from "./cancel-signal.js";
import { withTraceHeaders } from "./trace-headers.js";
import { upstreamFailure } from "./upstream-failure.js";
import { decodeUpstreamBody, upstreamHttpError } from "./upstream-response.js";

/** An upstream answer whose headers have arrived; its body is still to be read. */
export interface OpenedUpstreamCall {
  response: Dispatcher.ResponseData;
  /** Which of the attempt's own timers cut the body short, if one did (its reading then fails). */
  timedOut(): GatewayTimer | undefined;
  /** A stream's first token arrived: from now on only the total limit runs (and undici's idle timer). */
  firstTokenArrived(): void;
}

/** The limits the gateway times itself rather than through undici. */
export type GatewayTimer = "total" | "first_token";

const TIMER_ERROR_CODE: Record<GatewayTimer, string> = {
  total: "SWITCHYARD_TOTAL_TIMEOUT",
  first_token: "SWITCHYARD_FIRST_TOKEN_TIMEOUT",
};

export function operationOf<O extends Operation>(target: HttpUpstreamTarget, operation: O): HttpOperation<O> {
  const codec = target.operations[operation] as HttpOperation<O> | undefined;
  if (codec === undefined) {
    throw new GatewayError(
      "not_implemented",
      `${target.providerDisplayName} cannot serve ${operation} requests.`,
    );
  }
  return codec;
}

/**
 * Sends a prepared call and waits for the response headers, mapping transport failures to gateway errors. For a
 * stream, the first token must also arrive within `firstTokenMs` (the caller says when it did): until then
 * nothing has reached the client, so a target that misses it can still be left for the next one.
 */
export async function sendUpstreamCall(
  target: HttpUpstreamTarget,
  pool: Pool,
  call: { path: string; headers: Record<string, string>; body: string },
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
  stream = false,
): Promise<OpenedUpstreamCall> {
  // Timeouts without per-call AbortSignal.timeout/any (a measurable share of the request path): undici's own
  // header and idle timers, and one plain timer for the rest (the first token's, then the total's).
  const started = performance.now();
  const firstTokenMs = stream ? timeouts.firstTokenMs : Number.POSITIVE_INFINITY;
  const headersTimeout = Math.min(timeouts.firstByteMs, firstTokenMs, timeouts.totalMs);
  let response: Dispatcher.ResponseData;
  try {
    // Per-call credentials (a signature, a fresh token) go last, over the final bytes.
    const prepared = target.authorize === undefined ? call : await target.authorize(call, signal);
    response = await pool.request({
      method: "POST",
      path: prepared.path,
      headers: withTraceHeaders(prepared.headers),
      body: prepared.body,
      signal: asAbortSignal(signal),
      headersTimeout,
      bodyTimeout: timeouts.idleMs,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // The header timer is the shortest of first byte, first token and total: say which one ran out.
    const headersTimedOut = (error as { code?: unknown }).code === "UND_ERR_HEADERS_TIMEOUT";
    const cutBy: GatewayTimer | undefined = !headersTimedOut
      ? undefined
      : headersTimeout === timeouts.firstByteMs
        ? undefined
        : headersTimeout === timeouts.totalMs
          ? "total"
          : "first_token";
    throw upstreamFailure(error, target.providerDisplayName, cutBy);
  }
  let cutBy: GatewayTimer | undefined;
  let waitingFor: GatewayTimer = firstTokenMs < timeouts.totalMs ? "first_token" : "total";
  const body = response.body;
  const arm = (timer: GatewayTimer, afterMs: number): NodeJS.Timeout =>
    setTimeout(
      () => {
        cutBy = timer;
        const message = `the attempt's ${timer === "total" ? "total" : "first token"} timeout ran out`;
        body.destroy(Object.assign(new Error(message), { code: TIMER_ERROR_CODE[timer] }));
      },
      Math.max(1, afterMs - (performance.now() - started)),
    );
  let timer = arm(waitingFor, waitingFor === "total" ? timeouts.totalMs : firstTokenMs);
  body.once("close", () => clearTimeout(timer));
  return {
    response,
    timedOut: () => cutBy,
    firstTokenArrived: () => {
      if (waitingFor !== "first_token" || body.destroyed) return;
      waitingFor = "total";
      clearTimeout(timer);
      timer = arm("total", timeouts.totalMs);
    },
  };
}

/** Reads a whole body, mapping a failure part-way (reset, idle timeout) to a gateway error. */
export async function readUpstreamText(
  target: HttpUpstreamTarget,
  opened: OpenedUpstreamCall,
  signal: CancelSignal,
): Promise<string> {
  try {
    return await opened.response.body.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw upstreamFailure(error, target.providerDisplayName, opened.timedOut());
  }
}

/**
 * Sends one request to an HTTP upstream and decodes its answer. It does no retrying: one call, one outcome,
 * either a canonical response or a GatewayError that says what went wrong.
 */
export async function callHttpUpstream<O extends Operation>(
  target: HttpUpstreamTarget,
  pool: Pool,
  operation: O,
  request: RequestOf<O>,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<ResponseOf<O>> {
  const codec = operationOf(target, operation);
  const parts = codec.fanOut?.split(request);
  if (codec.fanOut === undefined || parts === undefined || parts.length <= 1) {
    return callOnce(target, pool, codec, request, signal, timeouts);
  }
  // The parts run concurrently; the first failure fails the request (the others' sockets are drained).
  const responses = await Promise.all(
    parts.map((part) => callOnce(target, pool, codec, part, signal, timeouts)),
  );
  return codec.fanOut.merge(responses, request);
}

async function callOnce<O extends Operation>(
  target: HttpUpstreamTarget,
  pool: Pool,
  codec: HttpOperation<O>,
  request: RequestOf<O>,
  signal: CancelSignal,
  timeouts: UpstreamTimeouts,
): Promise<ResponseOf<O>> {
  const opened = await sendUpstreamCall(target, pool, codec.encodeRequest(request), signal, timeouts);
  const text = await readUpstreamText(target, opened, signal);
  const { statusCode, headers } = opened.response;
  const body = decodeUpstreamBody(target, statusCode, headers, text);
  if (statusCode >= 400) throw upstreamHttpError(target, statusCode, headers, body);
  return codec.decodeResponse(body, request, headers);
}
