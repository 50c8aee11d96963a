import { GatewayError } from "../canonical/index.js";

/** Which of an attempt's timeouts ran out, by undici's error code; total and first token are the gateway's own. */
const TIMEOUT_OF_CODE: Record<string, TimeoutName> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "first_byte",
  UND_ERR_BODY_TIMEOUT: "idle",
};

type TimeoutName = "connect" | "first_byte" | "first_token" | "idle" | "total";

/**
 * Maps a transport failure (no HTTP answer, or an answer cut short) to the gateway's error catalogue:
 * timeouts are 504, everything else that prevented an answer is 502. A timeout's message names the setting
 * that ran out, so an operator knows which one to raise. Messages name the provider, never the URL with its
 * query (which may carry a key for some providers).
 */
export function upstreamFailure(
  error: unknown,
  providerDisplayName: string,
  /** The gateway's own timer (total, first token) that cut the attempt short, rather than what undici reports. */
  cutBy: "total" | "first_token" | undefined,
  midStream = false,
): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const timeout = cutBy ?? (typeof code === "string" ? TIMEOUT_OF_CODE[code] : undefined);
  if (timeout !== undefined) {
    return new GatewayError("upstream_timeout", timeoutMessage(timeout, providerDisplayName, midStream), {
      cause: error,
    });
  }
  const reason = typeof code === "string" ? ` (${code})` : "";
  const message = midStream
    ? `The stream from ${providerDisplayName} broke off${reason}.`
    : `Could not get an answer from ${providerDisplayName}${reason}.`;
  return new GatewayError("upstream_unreachable", message, { cause: error });
}

function timeoutMessage(timeout: TimeoutName, provider: string, midStream: boolean): string {
  switch (timeout) {
    case "connect":
      return `Could not connect to ${provider} within the connect timeout.`;
    case "first_byte":
      return `${provider} did not start answering within the route's first-byte timeout (timeouts.first_byte_seconds).`;
    case "first_token":
      return `${provider} sent no token within the route's first-token timeout (timeouts.first_token_seconds).`;
    case "idle":
      return midStream
        ? `The stream from ${provider} stalled for longer than the route's idle timeout (timeouts.idle_seconds).`
        : `${provider} stopped sending its answer for longer than the route's idle timeout (timeouts.idle_seconds).`;
    case "total":
      return midStream
        ? `The stream from ${provider} ran past the route's total timeout (timeouts.total_seconds).`
        : `${provider} did not finish answering within the route's total timeout (timeouts.total_seconds).`;
  }
}
