import { randomUUID } from "node:crypto";
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { GatewayError } from "../canonical/index.js";
import type { Logger } from "../observability/logger.js";
import { errorBody } from "./error-format.js";
import { errorFormatFor } from "./error-formats.js";
import { REQUEST_ID_HEADER, requestIdOf } from "./request-id.js";

/** Node's `clientError` error, with what it may carry. */
type ClientError = Error & { code?: string; rawPacket?: Buffer };

/** A connection-level answer to bytes that never became a request the gateway saw (no route, no hooks). */
export interface ConnectionAnswer {
  status: number;
  requestId: string;
  /** The request line's method and path, when Node got that far. */
  method: string | undefined;
  path: string | undefined;
  clientIp: string | undefined;
}

/**
 * Requests Node answered itself on the connection while Fastify was still handling them (a body that never came:
 * 408): their response never finishes, and they ended with this status, not as a client that left.
 */
const answeredByNode = new WeakMap<IncomingMessage, number>();

export function connectionAnswerOf(request: IncomingMessage): number | undefined {
  return answeredByNode.get(request);
}

/**
 * Errors Node's HTTP server finds before the request reaches Fastify, or while Fastify waits for its body
 * (`clientError`): a request that did not arrive in time (408), headers too large (431), bytes that are not HTTP
 * (400). Answered on the raw socket, in the format of the API whose path was asked when the request line is
 * known (from the request Node had already created, or the bytes it could not parse), else in the default
 * format, with the request's id; then the connection is closed. `onAnswer` hears of the answers no request of
 * the gateway's will report (the access log writes them).
 */
export function createClientErrorHandler(
  logger: Logger | undefined,
  onAnswer?: (answer: ConnectionAnswer) => void,
): (error: Error, socket: Socket) => void {
  return (thrown, socket) => {
    const error = thrown as ClientError;
    // A reset connection, or one the client ended before its request was complete (half a body, then its
    // close), has nobody left to answer: a request Node had made for it ends as the client's (499), not ours.
    if (error.code === "ECONNRESET" || error.code === "HPE_INVALID_EOF_STATE" || socket.destroyed) {
      socket.destroy();
      return;
    }
    const gatewayError = toClientError(error);
    const current = currentRequest(socket);
    const requestId = current === undefined ? randomUUID() : requestIdOf(current);
    logger?.debug({ code: error.code, request_id: requestId }, gatewayError.message);
    const line = current === undefined ? requestLine(error) : { method: current.method, path: current.url };
    const format = errorFormatFor(line?.path ?? "/");
    const status = format.status(gatewayError);
    if (socket.writable) {
      const body = JSON.stringify(errorBody(format, gatewayError, requestId));
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    if (current !== undefined) answeredByNode.set(current, status);
    else
      onAnswer?.({
        status,
        requestId,
        method: line?.method,
        path: line?.path,
        clientIp: socket.remoteAddress,
      });
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

/** The request Node had created on this connection and not yet answered, if any. */
function currentRequest(socket: Socket): IncomingMessage | undefined {
  // `_httpMessage` is the socket's current ServerResponse (Node's, undocumented but long stable); `req` is public.
  return (socket as { _httpMessage?: { req?: IncomingMessage } })._httpMessage?.req;
}

/** The method and path of bytes Node could not parse, when they start with a request line. */
function requestLine(error: ClientError): { method: string; path: string } | undefined {
  const text = error.rawPacket?.subarray(0, 2048).toString("latin1");
  const match = text === undefined ? null : /^([A-Z]+) (\S+)/.exec(text);
  return match === null ? undefined : { method: match[1] ?? "", path: match[2] ?? "" };
}
