import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import { gatewaySecrets } from "../observability/secret-set.js";

/** The header that carries a request's id, in and out. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * An id a client or proxy sent is kept (so one id follows a request through nginx, the gateway and the logs)
 * when it is a sane token: printable, no spaces or quotes, at most 128 characters. Anything else would let a
 * client inject text into log lines and headers, so it is replaced.
 */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Where a raw request keeps its id, so that Node's connection-level answers (client-errors.ts) quote it too. */
const ID = Symbol("switchyard.requestId");
type IdentifiedMessage = IncomingMessage & { [ID]?: string };

/**
 * An id that holds a configured secret is replaced too: the id goes where redaction does not reach (headers set
 * on the raw response, exported trace attributes), and a key must never come back in any of them.
 */
function acceptable(id: string): boolean {
  return ACCEPTABLE_ID.test(id) && (gatewaySecrets.empty || gatewaySecrets.redactText(id) === id);
}

/** Fastify's `genReqId`: the incoming `x-request-id` when acceptable, else a fresh UUID; the same one each time. */
export function requestIdOf(request: IncomingMessage): string {
  const message = request as IdentifiedMessage;
  const known = message[ID];
  if (known !== undefined) return known;
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === "string" && acceptable(incoming) ? incoming : randomUUID();
  message[ID] = id;
  return id;
}

/**
 * Returns the request id on every response. Error bodies carry it too (error-format.ts: errorBody), so a user
 * quoting an error quotes the id that finds its log lines.
 */
export function registerRequestId(app: FastifyInstance): void {
  // On Fastify's reply, not the raw response: one header set on the raw response sends every header of every
  // answer down Node's slow path (writeHead then merges them one by one through setHeader). Streams written
  // around Fastify's reply take it from streamResponseHeaders; the console's streams set it themselves.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
