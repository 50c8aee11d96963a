import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

/** The header that carries a request's id, in and out. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * An id a client or proxy sent is kept (so one id follows a request through nginx, the gateway and the logs)
 * when it is a sane token: printable, no spaces or quotes, at most 128 characters. Anything else would let a
 * client inject text into log lines and headers, so it is replaced.
 */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Fastify's `genReqId`: the incoming `x-request-id` when acceptable, else a fresh UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === "string" && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Returns the request id on every response, and puts it in every JSON error body as `request_id`, whatever
 * API's format the body has: a user quoting an error quotes the id that finds its log lines.
 */
export function registerRequestId(app: FastifyInstance): void {
  // Set on the raw response, so that it also reaches streams (written around Fastify's reply) and every error.
  app.addHook("onRequest", (request, reply, done) => {
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    if (reply.statusCode >= 400 && typeof payload === "string") {
      done(null, withRequestId(payload, request.id));
      return;
    }
    done(null, payload);
  });
}

/** A JSON object's text with `request_id` added as its last member; any other text as it was. */
export function withRequestId(body: string, id: string): string {
  const end = body.trimEnd();
  if (!body.startsWith("{") || !end.endsWith("}") || body.includes('"request_id"')) return body;
  const empty = end.slice(1, -1).trim() === "";
  return `${end.slice(0, -1)}${empty ? "" : ","}"request_id":${JSON.stringify(id)}}`;
}
