import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { GatewayError } from "../canonical/index.js";
import type { Logger } from "../observability/logger.js";
import { errorFormatFor } from "./error-formats.js";

/** Node's `clientError` error, with what it may carry. */
type ClientError = Error & { code?: string; rawPacket?: Buffer };

/**
 * Errors Node's HTTP server finds before the request reaches Fastify (`clientError`): a request that did not
 * arrive in time (408), headers too large (431), bytes that are not HTTP (400). Answered on the raw socket, in
 * the format of the API whose path was asked when the request line is known (from the response Node had
 * already created, or the bytes it could not parse), else in the default format; then the connection is closed.
 */
export function createClientErrorHandler(logger: Logger | undefined): (error: Error, socket: Socket) => void {
  return (thrown, socket) => {
    const error = thrown as ClientError;
    // A reset connection has nobody left to answer.
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const gatewayError = toClientError(error);
    logger?.debug({ code: error.code }, gatewayError.message);
    if (socket.writable) {
      const format = errorFormatFor(requestPath(error, socket) ?? "/");
      const status = format.status(gatewayError);
      const body = JSON.stringify(format.body(gatewayError));
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

function toClientError(error: ClientError): GatewayError {
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return new GatewayError(
      "request_timeout",
      "Request Timeout: the request did not arrive in time (the gateway's request_header_timeout_seconds and request_timeout_seconds).",
    );
  }
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return new GatewayError(
      "headers_too_large",
      "Request Header Fields Too Large: the request headers are larger than the gateway accepts (16 KiB).",
    );
  }
  return new GatewayError("bad_request", "Bad Request: the request is not valid HTTP.");
}

/** The path of the request, when Node got that far: its response exists, or the bytes it could not parse start with it. */
function requestPath(error: ClientError, socket: Socket): string | undefined {
  // `_httpMessage` is the socket's current ServerResponse (Node's, undocumented but long stable); `req` is public.
  const current = (socket as { _httpMessage?: { req?: { url?: string } } })._httpMessage?.req?.url;
  if (current !== undefined) return current;
  const line = error.rawPacket?.subarray(0, 2048).toString("latin1");
  return line === undefined ? undefined : /^[A-Z]+ (\S+)/.exec(line)?.[1];
}
