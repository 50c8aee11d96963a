import type { OutgoingHttpHeaders } from "node:http";
import { pipeline, Transform } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { gatewaySecrets } from "../observability/secret-set.js";
import { GOVERNANCE_HEADER_NAMES } from "./governance-headers.js";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The reply shows a gateway key just made (created, rotated): the one answer that may hold one, so keys are
     * not redacted by their shape in it (every other secret still is).
     */
    showsNewKey: boolean;
  }
}

/**
 * Every reply Fastify sends (successes relayed from an upstream or encoded by the gateway, errors, the
 * framework's own answers, documentation, metrics) goes through secret redaction here: its headers and its
 * body, whole or streamed. Replies the gateway writes itself (event streams) use ClientStreamWriter instead.
 * Registered on the root instance, so it covers every route and every error and not-found handler.
 */
export function redactReplies(app: FastifyInstance): void {
  app.decorateRequest("showsNewKey", false);
  app.addHook("onSend", (request, reply, payload, done) => {
    if (gatewaySecrets.empty) return done(null, payload);
    redactReplyHeaders(reply);
    done(null, request.showsNewKey ? redactShownKey(payload) : redactPayload(reply, payload));
  });
}

/** A reply that shows a new key is the gateway's own small JSON: its values' secrets are redacted, not its key. */
function redactShownKey(payload: unknown): unknown {
  return typeof payload === "string" ? gatewaySecrets.redactText(payload, { shapes: false }) : payload;
}

/** Header values with every secret replaced (names are the gateway's own). */
export function redactHeaderValues(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (gatewaySecrets.empty) return headers;
  const redacted: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    redacted[name] =
      typeof value === "string"
        ? gatewaySecrets.redactText(value)
        : Array.isArray(value)
          ? value.map((item) => gatewaySecrets.redactText(item))
          : value;
  }
  return redacted;
}

/** Headers whose values the gateway computes from numbers alone: there is nothing to scan in them. */
const COMPUTED_HEADERS = new Set([...GOVERNANCE_HEADER_NAMES, "server-timing", "x-switchyard-attempts"]);

function redactReplyHeaders(reply: FastifyReply): void {
  const headers = reply.getHeaders();
  // for-in, not Object.entries: no pair array per header on every response.
  for (const name in headers) {
    if (COMPUTED_HEADERS.has(name)) continue;
    const value = headers[name];
    if (typeof value === "string") {
      const redacted = gatewaySecrets.redactText(value);
      if (redacted !== value) reply.header(name, redacted);
    } else if (Array.isArray(value)) {
      reply.header(
        name,
        value.map((item) => gatewaySecrets.redactText(item)),
      );
    }
  }
}

function redactPayload(reply: FastifyReply, payload: unknown): unknown {
  if (typeof payload === "string") return gatewaySecrets.redactText(payload);
  if (payload instanceof Uint8Array) return gatewaySecrets.redactBytes(payload);
  if (isReadable(payload)) {
    // A streamed body (a documentation asset): its length may change, so it is sent chunked.
    reply.removeHeader("content-length");
    const redactor = gatewaySecrets.createStreamRedactor();
    const redacting = new Transform({
      transform(chunk: Buffer | string, _encoding, callback) {
        callback(null, redactor.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
      },
      flush(callback) {
        callback(null, redactor.end());
      },
    });
    // An error of the source destroys the redacting stream with it, which Fastify then handles.
    return pipeline(payload, redacting, () => {});
  }
  return payload;
}

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  return (
    typeof value === "object" && value !== null && typeof (value as { pipe?: unknown }).pipe === "function"
  );
}
