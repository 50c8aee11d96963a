import type { OutgoingHttpHeaders } from "node:http";
import { pipeline, Transform } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { gatewaySecrets } from "../observability/secret-set.js";
import { GOVERNANCE_HEADER_NAMES } from "./governance-headers.js";
import { REQUEST_ID_HEADER } from "./request-id.js";

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

/**
 * Headers with nothing to scan: values the gateway computes from numbers alone, and the request id, which is a
 * fresh UUID or a client's id already refused when it holds a secret (request-id.ts).
 */
const UNSCANNED_HEADERS = new Set([
  ...GOVERNANCE_HEADER_NAMES,
  "server-timing",
  "x-switchyard-attempts",
  REQUEST_ID_HEADER,
]);

function redactReplyHeaders(reply: FastifyReply): void {
  const own = ownHeadersOf(reply);
  if (own === undefined) {
    redactHeaderObject(reply, reply.getHeaders());
    return;
  }
  redactHeaderObject(reply, own);
  // Headers set on the raw response (rare: the gateway sets its own on Fastify's reply) are sent too.
  const raw = reply.raw;
  for (const name of raw.getHeaderNames()) {
    if (own[name] === undefined) redactHeaderObject(reply, { [name]: raw.getHeader(name) });
  }
}

/** A reply's header values by name, as Fastify and Node keep them. */
type HeaderValues = Record<string, string | number | readonly string[] | undefined>;

function redactHeaderObject(reply: FastifyReply, headers: HeaderValues): void {
  // for-in, not Object.entries: no pair array per header on every response.
  for (const name in headers) {
    if (UNSCANNED_HEADERS.has(name)) continue;
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

/**
 * Fastify's own object of the reply's headers (what it hands `writeHead`). `reply.getHeaders()` copies it and
 * the raw response's headers into a new object on every call: two object spreads on every response, about 1 µs
 * of the pass-through's CPU. Found by the symbol's name, once; undefined (and `getHeaders()` used) if a Fastify
 * version keeps them otherwise.
 */
let ownHeadersSymbol: symbol | null | undefined;

function ownHeadersOf(reply: FastifyReply): HeaderValues | undefined {
  if (ownHeadersSymbol === undefined) {
    ownHeadersSymbol =
      Object.getOwnPropertySymbols(reply).find((symbol) => symbol.description === "fastify.reply.headers") ??
      null;
  }
  if (ownHeadersSymbol === null) return undefined;
  const headers = (reply as unknown as Record<symbol, unknown>)[ownHeadersSymbol];
  return typeof headers === "object" && headers !== null ? (headers as HeaderValues) : undefined;
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
