import type { ErrorCode, GatewayError } from "../../canonical/index.js";
import { openAIParamName } from "./body-validation.js";

/** OpenAI's error envelope (ErrorResponse): all four keys are always present. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    /** The gateway's own limit or budget that refused the request (extra to OpenAI's four keys). */
    limit?: { scope: string; id: string; name: string; kind: string; limit: number | string; per?: string };
    reset_at?: string;
  };
}

/**
 * Gateway codes with an OpenAI counterpart that clients already test for: an unknown route is OpenAI's unknown
 * model (404 `model_not_found`), a limit is `rate_limit_exceeded`. Every other code is the gateway's own,
 * stable, from the one error catalogue.
 */
const OPENAI_CODE: Partial<Record<ErrorCode, string>> = {
  route_not_found: "model_not_found",
  rate_limited: "rate_limit_exceeded",
};

/**
 * Encodes a GatewayError in OpenAI's envelope (https://platform.openai.com/docs/guides/error-codes). The HTTP
 * status is `error.status` (an upstream's own status for upstream HTTP errors); the official SDKs pick their
 * error class from the status alone, and `type` follows what OpenAI itself sends for that status:
 * `invalid_request_error` for every 4xx but 429 (OpenAI uses it for 401 `invalid_api_key` and 404
 * `model_not_found` too), `requests` with code `rate_limit_exceeded` for 429, `server_error` for 5xx.
 * `param` is given in OpenAI's notation (`messages[0].content`), or null.
 */
export function encodeOpenAIError(error: GatewayError): OpenAIErrorBody {
  const status = error.status;
  const upstream = error.upstream;
  const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  const code = status === 429 ? "rate_limit_exceeded" : (OPENAI_CODE[error.code] ?? error.code);
  const param = error.param === undefined ? null : openAIParamName(error.param.split("."));
  const body: OpenAIErrorBody = {
    error: {
      message: clientMessage(error),
      // What the upstream said wins: clients branch on codes like `context_length_exceeded`.
      type: upstream?.type ?? type,
      param: upstream?.param ?? param,
      code: upstream?.code ?? code,
    },
  };
  const limit = error.limit;
  if (limit !== undefined) {
    // OpenAI's own 429s: `type` says which kind of limit (`requests` or `tokens`); a spent quota is
    // `insufficient_quota`, which SDK users already treat as "do not retry soon".
    if (error.code === "budget_exceeded") body.error.type = body.error.code = "insufficient_quota";
    else if (limit.unit === "tokens") body.error.type = "tokens";
    const { scope, id, name, kind } = limit;
    body.error.limit = {
      scope,
      id,
      name,
      kind,
      limit: limit.limit,
      ...(limit.per === undefined ? {} : { per: limit.per }),
    };
    body.error.reset_at = limit.resetAt;
  }
  return body;
}

/**
 * The message, saying who said it and where: an upstream's own words are prefixed with the provider's name
 * (so a local vLLM's complaint is never mistaken for OpenAI's), and the route and target are appended when the
 * error happened on one.
 */
function clientMessage(error: GatewayError): string {
  const provider = error.upstream?.provider;
  const said =
    provider === undefined || error.message.startsWith(provider)
      ? error.message
      : `${provider}: ${error.message}`;
  const context = error.context;
  if (context === undefined) return said;
  const target = context.target === undefined ? "" : `, target '${context.target}'`;
  return `${said} (route '${context.route}'${target})`;
}

/**
 * The HTTP status OpenAI would use. The gateway's own request-validation errors are 422 in the MLflow API
 * (FastAPI's convention) but OpenAI answers invalid parameters with 400, and SDKs map 400 to BadRequestError.
 * An upstream's 422 is passed on as it is.
 */
export function openAIStatus(error: GatewayError): number {
  return error.code !== "upstream_http_error" && error.status === 422 ? 400 : error.status;
}
