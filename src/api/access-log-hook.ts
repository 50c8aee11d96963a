import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type AccessLogEntry, roundMs } from "../observability/access-log.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Bytes the connection had sent when this request arrived: the response's size is the difference. */
    socketBytesAtStart: number;
    /** The id of the gateway key that authenticated this request (set by access control), for the log. */
    keyId: string | null;
    /** Whether the line was written: a client that leaves as its response ends must not log twice. */
    accessLogged: boolean;
  }
}

/**
 * Declares `request.keyId` (for access control to fill in), and, when enabled, writes one structured line per request when its response has ended (or its client went away: status 499),
 * at `info` level with the message `request`. Registered before the metrics hooks, which consume the request's
 * observation.
 */
export function registerAccessLog(app: FastifyInstance, enabled: boolean): void {
  app.decorateRequest("keyId", null);
  if (!enabled) return;
  app.decorateRequest("socketBytesAtStart", 0);
  app.decorateRequest("accessLogged", false);
  app.addHook("onRequest", (request, _reply, done) => {
    request.socketBytesAtStart = request.raw.socket?.bytesWritten ?? 0;
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    write(app, request, reply, reply.statusCode);
    done();
  });
  app.addHook("onRequestAbort", (request, done) => {
    write(app, request, undefined, 499);
    done();
  });
}

function write(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  status: number,
): void {
  if (request.accessLogged) return;
  request.accessLogged = true;
  app.log.info(accessLogEntry(request, reply, status), "request");
}

function accessLogEntry(
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  status: number,
): AccessLogEntry {
  const url = request.raw.url ?? "";
  const query = url.indexOf("?");
  const socket = request.raw.socket;
  const entry: AccessLogEntry = {
    request_id: request.id,
    method: request.method,
    path: query === -1 ? url : url.slice(0, query),
    status,
    duration_ms: roundMs(reply?.elapsedTime ?? 0),
    client_ip: request.ip,
    bytes_in: Number(request.headers["content-length"] ?? 0) || 0,
    bytes_out: Math.max(0, (socket?.bytesWritten ?? 0) - request.socketBytesAtStart),
  };
  const observation = request.observation;
  if (observation !== null) {
    entry.api = observation.api;
    entry.route = observation.route;
    if (observation.target !== undefined) entry.target = observation.target;
    if (observation.attempts > 0) entry.attempts = observation.attempts;
    if (observation.upstreamMs !== undefined) entry.upstream_ms = roundMs(observation.upstreamMs);
    if (observation.streaming) entry.stream = true;
    const usage = observation.usage;
    if (usage?.inputTokens != null) entry.input_tokens = usage.inputTokens;
    if (usage?.outputTokens != null) entry.output_tokens = usage.outputTokens;
  }
  if (request.keyId !== null) entry.key_id = request.keyId;
  return entry;
}
