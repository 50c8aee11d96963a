/** The subset of `fetch` the client needs, so any fetch-compatible function (or a wrapper) can be passed. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link GatewayClient}; every one is optional. */
export interface GatewayClientOptions {
  /**
   * Longest wait for one complete answer (per attempt, body included), in milliseconds.
   * Default {@link DEFAULT_TIMEOUT_MS} (120 s, as MLflow's client). A timeout is not retried.
   */
  timeoutMs?: number;
  /**
   * Retries after a 429 or 503 answer. Default {@link DEFAULT_MAX_RETRIES} (2, so at most 3 requests).
   * Other errors, network failures and timeouts are not retried. 0 turns retries off.
   */
  maxRetries?: number;
  /**
   * First backoff when the answer has no `Retry-After`; doubled on each retry, with jitter.
   * Default {@link DEFAULT_RETRY_BASE_DELAY_MS} (500 ms).
   */
  retryBaseDelayMs?: number;
  /**
   * Longest wait before a retry. When `Retry-After` asks for more, the client does not wait: it throws the 429
   * or 503 at once. Default {@link DEFAULT_MAX_RETRY_DELAY_MS} (30 s).
   */
  maxRetryDelayMs?: number;
  /** Extra headers on every request, e.g. an `Authorization` header for a proxy in front of the gateway. */
  headers?: Record<string, string>;
  /** A custom `fetch` (for instrumentation, a proxy agent, or tests). Default: the global `fetch`. */
  fetch?: FetchFunction;
  /**
   * Routes per page when listing (`max_results`, 1 to 3000). Default: the gateway's (3000).
   * `searchRoutes` always returns every route; this only changes how many requests it takes.
   */
  pageSize?: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

/** Options with defaults applied and values checked. */
export interface ResolvedClientOptions {
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  headers: Record<string, string>;
  fetch: FetchFunction;
  pageSize: number | undefined;
}

export function resolveClientOptions(options: GatewayClientOptions): ResolvedClientOptions {
  const check = (name: string, value: number | undefined, fallback: number, minimum: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < minimum) {
      throw new RangeError(
        `The GatewayClient option ${name} must be a number of at least ${minimum} (got ${value}).`,
      );
    }
    return value;
  };
  const pageSize = options.pageSize;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 3000)) {
    throw new RangeError(
      `The GatewayClient option pageSize must be an integer from 1 to 3000 (got ${pageSize}).`,
    );
  }
  return {
    timeoutMs: check("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS, 1),
    maxRetries: Math.floor(check("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES, 0)),
    retryBaseDelayMs: check("retryBaseDelayMs", options.retryBaseDelayMs, DEFAULT_RETRY_BASE_DELAY_MS, 0),
    maxRetryDelayMs: check("maxRetryDelayMs", options.maxRetryDelayMs, DEFAULT_MAX_RETRY_DELAY_MS, 0),
    headers: { ...options.headers },
    fetch: options.fetch ?? globalFetch,
    pageSize,
  };
}

/** Looks the global fetch up on each call, so a polyfill installed after the client was created still works. */
function globalFetch(url: string, init: RequestInit): Promise<Response> {
  if (typeof globalThis.fetch !== "function") {
    throw new TypeError(
      "This environment has no global fetch: pass one as the GatewayClient option 'fetch'.",
    );
  }
  return globalThis.fetch(url, init);
}
