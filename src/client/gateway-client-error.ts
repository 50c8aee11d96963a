/**
 * How a call failed:
 * - `"http"`: the gateway (or a proxy in front of it) answered with an error status, or with a body that is not
 *   what a gateway sends; `status` and `detail` say what it answered.
 * - `"network"`: no answer at all (connection refused, DNS failure, connection reset, CORS refusal in a
 *   browser); `status` is undefined.
 * - `"timeout"`: no complete answer within `timeoutMs`; `status` is undefined. Timeouts are not retried.
 */
export type GatewayClientErrorKind = "http" | "network" | "timeout";

export interface GatewayClientErrorInit {
  kind: GatewayClientErrorKind;
  message: string;
  method: string;
  url: string;
  status?: number;
  detail?: unknown;
  route?: string;
  requestId?: string;
  attempts: number;
  cause?: unknown;
}

/** The one error type the client throws for failed calls. Its message says what to do next. */
export class GatewayClientError extends Error {
  /** `"http"`, `"network"` or `"timeout"`. */
  readonly kind: GatewayClientErrorKind;
  /** The HTTP status, for `kind: "http"`. */
  readonly status: number | undefined;
  /**
   * The server's explanation: the `detail` of its `{"detail": ...}` body (usually a string), or the body itself
   * when it has no `detail` (for example an error page from a proxy). Undefined when there was no answer.
   */
  readonly detail: unknown;
  /** The route the call was about, when it was about one. */
  readonly route: string | undefined;
  /** The `x-request-id` response header, when the gateway or a proxy set one: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;
  /** How many requests were sent, retries included. */
  readonly attempts: number;

  constructor(init: GatewayClientErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "GatewayClientError";
    this.kind = init.kind;
    this.status = init.status;
    this.detail = init.detail;
    this.route = init.route;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.attempts = init.attempts;
  }
}

/** True for errors this client threw about a failed call. */
export function isGatewayClientError(value: unknown): value is GatewayClientError {
  return value instanceof GatewayClientError;
}

/** The detail as one readable line: strings as they are, FastAPI-style issue lists joined, anything else as JSON. */
export function describeDetail(detail: unknown): string {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    const issues = detail.map((issue) => {
      if (typeof issue !== "object" || issue === null) return JSON.stringify(issue);
      const { loc, msg } = issue as { loc?: unknown; msg?: unknown };
      const where = Array.isArray(loc) ? loc.join(".") : "";
      return typeof msg === "string" ? `${where ? `${where}: ` : ""}${msg}` : JSON.stringify(issue);
    });
    return issues.join("; ");
  }
  if (detail === undefined) return "";
  return JSON.stringify(detail) ?? String(detail);
}
