import type { FastifyReply, FastifyRequest } from "fastify";
import { type AccessLogEntry, accessLogEntryJson, roundMs } from "../observability/access-log.js";
import { infoLineWriter, type Logger } from "../observability/logger.js";
import type { ConnectionAnswer } from "./client-errors.js";
import { responseBytes } from "./request-observation.js";
import type { RequestWatcher } from "./request-outcome.js";

/**
 * With a logger (the access log is on), gives the watcher that writes one structured line per request (with the
 * id of the gateway key that access control authenticated) when it has ended (request-outcome.ts: once, with the
 * status it ended with, 499 when the client left), at `info` level with the message `request`.
 */
export function registerAccessLog(logger: Logger | undefined): RequestWatcher | undefined {
  if (logger === undefined) return undefined;
  const writeLine = infoLineWriter(logger, "request", accessLogEntryJson);
  return {
    ended(request, reply, status) {
      writeLine(accessLogEntry(request, reply, status));
    },
  };
}

/**
 * The line of a request Node answered on the connection before Fastify saw it (headers too large or too slow,
 * bytes that are not HTTP): what is known of it, with the same field names.
 */
export function logConnectionAnswer(logger: Logger, answer: ConnectionAnswer): void {
  const entry: Partial<AccessLogEntry> = { request_id: answer.requestId };
  if (answer.method !== undefined) entry.method = answer.method;
  if (answer.path !== undefined) entry.path = withoutQuery(answer.path);
  entry.status = answer.status;
  if (answer.clientIp !== undefined) entry.client_ip = answer.clientIp;
  logger.info(entry, "request");
}

function withoutQuery(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function accessLogEntry(request: FastifyRequest, reply: FastifyReply, status: number): AccessLogEntry {
  const entry: AccessLogEntry = {
    request_id: request.id,
    method: request.method,
    path: withoutQuery(request.raw.url ?? ""),
    status,
    duration_ms: roundMs(reply.elapsedTime),
    client_ip: request.ip,
    bytes_in: Number(request.headers["content-length"] ?? 0) || 0,
    bytes_out: responseBytes(request),
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
  if (request.principal !== null) entry.key_id = request.principal.keyId;
  return entry;
}
