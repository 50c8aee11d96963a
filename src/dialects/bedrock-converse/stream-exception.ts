import { type ErrorCode, GatewayError } from "../../canonical/index.js";
import { isRecord, optionalNumber, optionalString } from "../narrow.js";

/**
 * The exceptions ConverseStream sends inside the stream (members of ConverseStreamOutput in the service model),
 * each with the code of the HTTP error it stands for; `modelStreamErrorException` carries the model's own
 * status as `originalStatusCode`.
 */
const EXCEPTIONS: Readonly<Record<string, { code: ErrorCode; status?: number }>> = {
  throttlingException: { code: "rate_limited" },
  serviceUnavailableException: { code: "overloaded" },
  internalServerException: { code: "upstream_http_error", status: 500 },
  validationException: { code: "upstream_http_error", status: 400 },
  modelStreamErrorException: { code: "upstream_http_error", status: 424 },
};

export function decodeStreamException(exceptionType: string, payload: unknown): GatewayError {
  const body = isRecord(payload) ? payload : {};
  const message =
    optionalString(body.message) ??
    optionalString(body.Message) ??
    `The upstream reported an error in the stream (${exceptionType}).`;
  const known = Object.hasOwn(EXCEPTIONS, exceptionType) ? EXCEPTIONS[exceptionType] : undefined;
  const status =
    exceptionType === "modelStreamErrorException"
      ? (optionalNumber(body.originalStatusCode) ?? 424)
      : known?.status;
  return new GatewayError(
    known?.code ?? "upstream_http_error",
    message,
    status === undefined ? {} : { upstreamStatus: status },
  );
}
