import { type ErrorCode, GatewayError } from "../../canonical/index.js";
import { optionalNumber, optionalString } from "../narrow.js";

/** Google RPC statuses (https://cloud.google.com/apis/design/errors#handling_errors) with a code of their own. */
const ERROR_CODE_OF_STATUS: Readonly<Record<string, ErrorCode>> = {
  RESOURCE_EXHAUSTED: "rate_limited",
  UNAVAILABLE: "overloaded",
};

/**
 * An error object that arrives as a stream event after the 200 was sent (`{"error": {"code", "message",
 * "status"}}`), as Google's servers report a failure mid-stream. Its HTTP-style `code` is kept as the status it
 * stands for, so one that comes before any content is answered with it.
 */
export function decodeStreamError(error: Record<string, unknown>): GatewayError {
  const status = optionalString(error.status) ?? "";
  const code = optionalNumber(error.code);
  const message =
    optionalString(error.message) ?? `The upstream reported an error in the stream (${status || code}).`;
  const known = Object.hasOwn(ERROR_CODE_OF_STATUS, status) ? ERROR_CODE_OF_STATUS[status] : undefined;
  if (known !== undefined) return new GatewayError(known, message);
  return new GatewayError("upstream_http_error", message, code === undefined ? {} : { upstreamStatus: code });
}
