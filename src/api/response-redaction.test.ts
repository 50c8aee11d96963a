import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewaySecrets, REDACTED } from "../observability/secret-set.js";
import { redactReplies } from "./response-redaction.js";

const SECRET = "sk-reply-header-secret-4f2a";

let app: FastifyInstance;
/** How many times a reply's `getHeaders()` was called (it copies every header into a new object). */
let headerCopies = 0;

beforeAll(async () => {
  gatewaySecrets.add([SECRET]);
  app = Fastify();
  redactReplies(app);
  app.addHook("onRequest", (_request, reply, done) => {
    const copy = reply.getHeaders.bind(reply);
    reply.getHeaders = () => {
      headerCopies++;
      return copy();
    };
    done();
  });
  app.get("/own", (_request, reply) => {
    reply.header("x-target", `openai/model-${SECRET}`);
    reply.header("x-list", ["plain", `Bearer ${SECRET}`]);
    reply.header("x-plain", "nothing here");
    return { ok: true };
  });
  app.get("/raw", (_request, reply) => {
    reply.raw.setHeader("x-raw", `key=${SECRET}`);
    reply.header("x-own", "plain");
    return "text";
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe("reply header redaction", () => {
  it("redacts the secrets of headers set on Fastify's reply, strings and lists, and leaves others alone", async () => {
    const response = await app.inject({ method: "GET", url: "/own" });
    expect(response.headers["x-target"]).toBe(`openai/model-${REDACTED}`);
    expect(response.headers["x-list"]).toEqual(["plain", `Bearer ${REDACTED}`]);
    expect(response.headers["x-plain"]).toBe("nothing here");
    expect(response.rawPayload.includes(SECRET)).toBe(false);
  });

  it("redacts the secrets of headers set on the raw response too", async () => {
    const response = await app.inject({ method: "GET", url: "/raw" });
    expect(response.headers["x-raw"]).toBe(`key=${REDACTED}`);
    expect(response.headers["x-own"]).toBe("plain");
  });

  it("reads Fastify's own header object instead of copying the headers for every reply", async () => {
    headerCopies = 0;
    await app.inject({ method: "GET", url: "/own" });
    await app.inject({ method: "GET", url: "/raw" });
    expect(headerCopies).toBe(0);
  });
});
