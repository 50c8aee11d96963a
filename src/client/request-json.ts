import type { ResolvedClientOptions } from "./client-options.js";
import { describeDetail, GatewayClientError } from "./gateway-client-error.js";
import { backoffDelayMs, parseRetryAfterMs } from "./retry-after.js";

export interface GatewayRequest {
  method: "GET" | "POST";
  /** Absolute URL. */
  url: string;
  /** What the call does, for messages: "Query of route 'chat'". */
  action: string;
  route?: string;
  body?: unknown;
  /** The caller's signal: aborting it rejects with its reason, not with a GatewayClientError. */
  signal?: AbortSignal;
}

type Answer = { status: number; statusText: string; headers: Headers; text: string };

/**
 * Sends one call: JSON in, JSON out, with a timeout per attempt and retries after 429 and 503 that wait as long
 * as `Retry-After` says (else exponential backoff). Every failure becomes a GatewayClientError.
 */
export async function requestJson(options: ResolvedClientOptions, request: GatewayRequest): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  const init: RequestInit = { method: request.method, headers };
  if (request.body !== undefined) init.body = JSON.stringify(request.body);
  const where = `${request.method} ${request.url}`;
  for (let attempt = 1; ; attempt++) {
    const answer = await attemptOnce(options, request, init, attempt);
    if (answer.status >= 200 && answer.status < 300) return parseSuccess(answer, request, attempt);
    const retryable = answer.status === 429 || answer.status === 503;
    let gaveUp = "";
    if (retryable && attempt <= options.maxRetries) {
      const retryAfterMs = parseRetryAfterMs(answer.headers.get("retry-after"));
      const delayMs = retryAfterMs ?? backoffDelayMs(attempt - 1, options.retryBaseDelayMs);
      if (delayMs <= options.maxRetryDelayMs) {
        await sleep(delayMs, request.signal);
        continue;
      }
      gaveUp = ` Not retried: Retry-After asks for ${Math.ceil(delayMs / 1000)} s, more than maxRetryDelayMs (${options.maxRetryDelayMs} ms).`;
    } else if (retryable && options.maxRetries > 0) {
      gaveUp = ` Gave up after ${attempt} attempts.`;
    }
    const detail = detailOf(answer.text);
    const hint =
      answer.status === 401 || answer.status === 403
        ? " If a proxy in front of the gateway needs credentials, pass them with the 'headers' option."
        : "";
    const requestId = answer.headers.get("x-request-id") ?? undefined;
    throw new GatewayClientError({
      kind: "http",
      message: `${request.action} failed with HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ""} (${where}): ${sentence(describeDetail(detail) || "no detail given")}${gaveUp}${hint}${requestId ? ` Request id: ${requestId}.` : ""}`,
      method: request.method,
      url: request.url,
      status: answer.status,
      detail,
      ...(request.route === undefined ? {} : { route: request.route }),
      ...(requestId === undefined ? {} : { requestId }),
      attempts: attempt,
    });
  }
}

/** One request and its whole body, within the timeout. */
async function attemptOnce(
  options: ResolvedClientOptions,
  request: GatewayRequest,
  init: RequestInit,
  attempt: number,
): Promise<Answer> {
  request.signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onCallerAbort = (): void => controller.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const common = { method: request.method, url: request.url, attempts: attempt };
  const route = request.route === undefined ? {} : { route: request.route };
  try {
    const response = await options.fetch(request.url, { ...init, signal: controller.signal });
    const text = await response.text();
    return { status: response.status, statusText: response.statusText, headers: response.headers, text };
  } catch (error) {
    if (timedOut) {
      throw new GatewayClientError({
        kind: "timeout",
        message: `${request.action} timed out: no complete answer to ${request.method} ${request.url} within ${options.timeoutMs} ms. If the route is just slow, raise the 'timeoutMs' option; otherwise check that the gateway is running.`,
        ...common,
        ...route,
        cause: error,
      });
    }
    if (request.signal?.aborted) throw request.signal.reason;
    throw new GatewayClientError({
      kind: "network",
      message: `${request.action} failed: could not reach the gateway (${request.method} ${request.url}): ${reasonOf(error)}. Check that the gateway is running and that the URI is right.`,
      ...common,
      ...route,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onCallerAbort);
  }
}

function parseSuccess(answer: Answer, request: GatewayRequest, attempt: number): unknown {
  try {
    return JSON.parse(answer.text);
  } catch (error) {
    throw new GatewayClientError({
      kind: "http",
      message: `${request.action}: the answer to ${request.method} ${request.url} is not JSON, so it did not come from a Switchyard gateway. Check the gateway URI.`,
      method: request.method,
      url: request.url,
      status: answer.status,
      detail: answer.text.slice(0, 500),
      ...(request.route === undefined ? {} : { route: request.route }),
      attempts: attempt,
      cause: error,
    });
  }
}

/** The `detail` of a `{"detail": ...}` body; else the JSON body; else the start of the text (an HTML error page). */
function detailOf(text: string): unknown {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null && "detail" in body) return body.detail;
    return body;
  } catch {
    // Not JSON, for example a proxy's error page: the text itself is the best explanation there is.
    const trimmed = text.trim();
    return trimmed === "" ? undefined : trimmed.slice(0, 500);
  }
}

/** The most specific reason a fetch gave: undici puts the system error (ECONNREFUSED ...) in `cause`. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error) {
    // An AggregateError (every address of a host refused) has an empty message but a code.
    const code = (cause as { code?: unknown }).code;
    if (cause.message !== "") return cause.message;
    if (typeof code === "string") return code;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Ends a text with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
