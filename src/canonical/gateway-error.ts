import type { FailureKind } from "./failure-kind.js";

/**
 * The one catalogue of errors the gateway reports. Each code has a fixed HTTP status (upstream HTTP errors keep
 * the upstream's status instead) and a kind that ingress dialects map to their own error vocabulary.
 */
export const ERROR_CATALOGUE = {
  invalid_json: { kind: "invalid_request", status: 400 },
  json_too_deep: { kind: "invalid_request", status: 400 },
  invalid_filter: { kind: "invalid_request", status: 400 },
  /**
   * A query parameter or request header with a value it cannot have (`page_token`, `max_results`,
   * `x-switchyard-tags`): the `param` names it.
   */
  invalid_parameter: { kind: "invalid_request", status: 400 },
  /** A URL that cannot be decoded (bad percent-encoding). */
  invalid_url: { kind: "invalid_request", status: 400 },
  /** Any other malformed request the HTTP layer refuses (e.g. a body shorter than its Content-Length). */
  bad_request: { kind: "invalid_request", status: 400 },
  uri_too_long: { kind: "invalid_request", status: 414 },
  request_timeout: { kind: "invalid_request", status: 408 },
  headers_too_large: { kind: "invalid_request", status: 431 },
  unsupported_content_type: { kind: "invalid_request", status: 415 },
  invalid_body: { kind: "invalid_request", status: 422 },
  parameter_not_permitted: { kind: "invalid_request", status: 422 },
  parameter_unsupported: { kind: "invalid_request", status: 422 },
  feature_unsupported: { kind: "invalid_request", status: 400 },
  storage_disabled: { kind: "invalid_request", status: 400 },
  previous_response_not_found: { kind: "invalid_request", status: 400 },
  route_type_mismatch: { kind: "invalid_request", status: 400 },
  body_too_large: { kind: "invalid_request", status: 413 },
  route_not_found: { kind: "not_found", status: 404 },
  not_found: { kind: "not_found", status: 404 },
  method_not_allowed: { kind: "invalid_request", status: 405 },
  not_implemented: { kind: "not_implemented", status: 501 },
  conflict: { kind: "invalid_request", status: 409 },
  missing_api_key: { kind: "unauthenticated", status: 401 },
  invalid_api_key: { kind: "unauthenticated", status: 401 },
  invalid_master_key: { kind: "unauthenticated", status: 401 },
  key_not_allowed: { kind: "forbidden", status: 403 },
  governance_unavailable: { kind: "unavailable", status: 503 },
  /** The Responses API's shared store (Redis) does not answer. */
  store_unavailable: { kind: "unavailable", status: 503 },
  rate_limited: { kind: "rate_limited", status: 429 },
  budget_exceeded: { kind: "rate_limited", status: 429 },
  concurrency_limited: { kind: "rate_limited", status: 429 },
  overloaded: { kind: "unavailable", status: 503 },
  shutting_down: { kind: "unavailable", status: 503 },
  upstream_http_error: { kind: "upstream", status: 502 },
  upstream_invalid_response: { kind: "upstream", status: 502 },
  upstream_unreachable: { kind: "upstream", status: 502 },
  upstream_auth_failed: { kind: "upstream", status: 502 },
  upstream_timeout: { kind: "timeout", status: 504 },
  internal_error: { kind: "internal", status: 500 },
  /**
   * The client went away before its response was complete (nginx's 499): nobody reads the answer, so it is not
   * logged as a failure; the access log shows the 499.
   */
  client_closed_request: { kind: "invalid_request", status: 499 },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type ErrorKind = (typeof ERROR_CATALOGUE)[ErrorCode]["kind"];

export interface GatewayErrorDetails {
  /** The request field the error is about, as a dotted path (`messages.0.content`). */
  param?: string;
  /** For upstream HTTP errors: the upstream status, which the gateway passes on. */
  upstreamStatus?: number;
  /** For upstream HTTP errors whose body had no message: the upstream's JSON body, passed on as it is. */
  upstreamBody?: unknown;
  /** Seconds after which the client may retry (from the upstream's `Retry-After`, or the gateway's own limit). */
  retryAfterSeconds?: number;
  /** For failures of an upstream: what kind of failure it was, as the upstream's dialect reads it. */
  failureKind?: FailureKind;
  /** For the gateway's own limits and budgets: which one refused, so every dialect can name it. */
  limit?: RefusingLimit;
  /**
   * For errors the upstream reported (HTTP or in-stream): its own `type`, `code` and `param`, passed on to
   * clients whose dialect has those fields (OpenAI's `context_length_exceeded` and the like), and the provider's
   * name for people, so the message can say who said it.
   */
  upstream?: UpstreamErrorDetails;
  cause?: unknown;
}

/** The limit or budget that refused a request, as the denial shows it. */
export interface RefusingLimit {
  /** `key`, `group`, `org`, `route`, `route_key` or `global`. */
  scope: string;
  /** The key's, group's, org's or route's id (`route/key` for route_key; empty for global). */
  id: string;
  /** `rpm`, `tpm`, `concurrency`, or the budget's name. */
  name: string;
  kind: "rate" | "concurrency" | "budget";
  /** Rates: `requests` or `tokens`. */
  unit?: "requests" | "tokens";
  /** Rates: units per window; concurrency: requests at once; budgets: the amount as a USD decimal string. */
  limit: number | string;
  /** Rates and budgets: the window in words, `1 minute`, `1 day`, `1 month`. */
  per?: string;
  /** When the limit has room again (rates, concurrency) or the window resets (budgets), ISO 8601. */
  resetAt: string;
}

export interface UpstreamErrorDetails {
  /** The provider's display name (`Mistral`), when known; never a guess. */
  provider?: string;
  type?: string;
  code?: string;
  param?: string;
}

/** Where in the gateway an error happened: the route, and the target (`provider/model`) that was called. */
export interface ErrorContext {
  route: string;
  target?: string;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly param: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly upstreamBody: unknown;
  readonly retryAfterSeconds: number | undefined;
  readonly failureKind: FailureKind | undefined;
  readonly limit: RefusingLimit | undefined;
  readonly upstream: UpstreamErrorDetails | undefined;
  /** Set once, by whoever knows the route (and target) when the error leaves routing. */
  context: ErrorContext | undefined;

  constructor(code: ErrorCode, message: string, details: GatewayErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "GatewayError";
    this.code = code;
    this.kind = ERROR_CATALOGUE[code].kind;
    this.status = details.upstreamStatus ?? ERROR_CATALOGUE[code].status;
    this.param = details.param;
    this.upstreamStatus = details.upstreamStatus;
    this.upstreamBody = details.upstreamBody;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.failureKind = details.failureKind;
    this.limit = details.limit;
    this.upstream = details.upstream;
    this.context = undefined;
  }

  /** Records the route and target the error happened on, unless an inner layer already did. */
  withContext(context: ErrorContext): this {
    this.context ??= context;
    return this;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/**
 * A model's tool call whose arguments are not a JSON object, for a client dialect that carries arguments as an
 * object (Anthropic's `tool_use.input`): the upstream's answer cannot be delivered as it is.
 */
export function invalidArgumentsError(toolName: string, cause?: unknown): GatewayError {
  return new GatewayError(
    "upstream_invalid_response",
    `The upstream's call to tool '${toolName}' has arguments that are not a JSON object.`,
    cause === undefined ? {} : { cause },
  );
}
