import { GatewayError } from "../canonical/index.js";

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Maps a transport failure (no HTTP answer, or an answer cut short) to the gateway's error catalogue:
 * timeouts are 504, everything else that prevented an answer is 502. Messages name the provider, never the URL
 * with its query (which may carry a key for some providers).
 */
export function upstreamFailure(
  error: unknown,
  providerDisplayName: string,
  timedOut: boolean,
  midStream = false,
): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (timedOut || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
    const message = midStream
      ? `The stream from ${providerDisplayName} stalled past the route's timeout.`
      : `${providerDisplayName} did not answer in time.`;
    return new GatewayError("upstream_timeout", message, { cause: error });
  }
  const reason = typeof code === "string" ? ` (${code})` : "";
  const message = midStream
    ? `The stream from ${providerDisplayName} broke off${reason}.`
    : `Could not get an answer from ${providerDisplayName}${reason}.`;
  return new GatewayError("upstream_unreachable", message, { cause: error });
}
