import type { Dispatcher, Pool } from "undici";
import { GatewayError, type Operation } from "../canonical/index.js";
import type { UpstreamTimeouts } from "../config/route-timeouts.js";
import { redactSecrets } from "../observability/secret-redactor.js";
import type { HttpUpstreamTarget, RequestOf, ResponseOf } from "../providers/upstream-target.js";
import { parseRetryAfter } from "./retry-after.js";
import { upstreamFailure } from "./upstream-failure.js";

/**
 * Sends one prepared call to an HTTP upstream and decodes its answer. It does no retrying: one call, one
 * outcome, either a canonical response or a GatewayError that says what went wrong.
 */
export async function callHttpUpstream<O extends Operation>(
  target: HttpUpstreamTarget,
  pool: Pool,
  operation: O,
  request: RequestOf<O>,
  signal: AbortSignal,
  timeouts: UpstreamTimeouts,
): Promise<ResponseOf<O>> {
  const codec = target.operations[operation];
  if (codec === undefined) {
    throw new GatewayError(
      "not_implemented",
      `${target.providerDisplayName} cannot serve ${operation} requests.`,
    );
  }
  const call = codec.encodeRequest(request);
  const totalTimeout = AbortSignal.timeout(timeouts.totalMs);
  const combined = AbortSignal.any([signal, totalTimeout]);
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    response = await pool.request({
      method: "POST",
      path: call.path,
      headers: call.headers,
      body: call.body,
      signal: combined,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    });
    text = await response.body.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw upstreamFailure(error, target.providerDisplayName, totalTimeout.aborted);
  }
  const body = decodeBody(target, response, text);
  if (response.statusCode >= 400) throw upstreamHttpError(target, response, body);
  return codec.decodeResponse(body, request) as ResponseOf<O>;
}

function decodeBody(target: HttpUpstreamTarget, response: Dispatcher.ResponseData, text: string): unknown {
  const contentType = String(response.headers["content-type"] ?? "");
  if (/\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new GatewayError(
        "upstream_invalid_response",
        `${target.providerDisplayName} answered HTTP ${response.statusCode} with a body that is not valid JSON.`,
        { cause: error },
      );
    }
  }
  // Some servers send plain-text errors; their text is the message.
  if (/^text\/plain\b/i.test(contentType)) return { message: text };
  throw new GatewayError(
    "upstream_invalid_response",
    `${target.providerDisplayName} answered HTTP ${response.statusCode} with content type '${contentType || "none"}', not JSON.`,
  );
}

function upstreamHttpError(
  target: HttpUpstreamTarget,
  response: Dispatcher.ResponseData,
  body: unknown,
): GatewayError {
  const upstreamMessage = target.decodeErrorMessage(body);
  const retryAfterSeconds = parseRetryAfter(response.headers["retry-after"]);
  const message =
    upstreamMessage === undefined
      ? `${target.providerDisplayName} answered HTTP ${response.statusCode} without an error message.`
      : redactSecrets(upstreamMessage);
  return new GatewayError("upstream_http_error", message, {
    upstreamStatus: response.statusCode,
    upstreamBody: upstreamMessage === undefined ? JSON.parse(redactSecrets(JSON.stringify(body))) : undefined,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}
