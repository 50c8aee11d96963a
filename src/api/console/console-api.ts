import type { FastifyInstance, FastifyReply } from "fastify";
import { GatewayError } from "../../canonical/index.js";
import { CONSOLE_SERVICE, type ConsoleCall } from "../../console/console-service.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import type { RouteTableHolder } from "../../routing/route-table-holder.js";
import { SSE_HEADERS } from "../event-stream-response.js";
import { REQUEST_ID_HEADER } from "../request-id.js";
import { ConsoleEventStreams } from "./console-event-streams.js";
import type { ConsoleFiles } from "./console-files.js";

/**
 * `GET <path>/api/access`, public like the page: whether the console's data needs a key (so the page asks for
 * the admin key before reading it rather than after a 401) and whether the admin API is served. It says no
 * more than the page's own 401s would.
 */
export interface ConsoleAccess {
  dataNeedsKey: boolean;
  adminApi: boolean;
}

/** Open console pages per worker; more get a 503 (each costs a call to the owner per second). */
const MAX_EVENT_STREAMS = 32;

export interface ConsoleApiOptions {
  /** Where the console is served, e.g. `/ui`. */
  path: string;
  /** The built page; undefined when it was not built (the path then says how to build it). */
  files: ConsoleFiles | undefined;
  routes: RouteTableHolder;
  coordinator: Coordinator;
  /** What the page needs to know of access control before it asks for anything (read live: reloads apply). */
  access: () => ConsoleAccess;
}

/**
 * The web console: its page (static files held in memory), `GET <path>/api/routes` and the live
 * `GET <path>/api/events` stream. Every answer carries a strict Content-Security-Policy. Reads come from the
 * owner of gateway-wide state, so whichever worker answers, the data is the same.
 */
export async function registerConsole(app: FastifyInstance, options: ConsoleApiOptions): Promise<void> {
  const { path, files, coordinator } = options;
  const streams = new ConsoleEventStreams(coordinator, MAX_EVENT_STREAMS);
  app.addHook("preClose", (done) => {
    streams.closeAll();
    done();
  });
  await app.register(async (scope) => {
    const securityHeaders: Record<string, string> = {
      "content-security-policy": files?.contentSecurityPolicy ?? "default-src 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    };
    scope.addHook("onSend", (_request, reply, payload, done) => {
      reply.headers(securityHeaders);
      done(null, payload);
    });
    // For access control (api/access-hooks.ts) the page's files are public (static, no data: a browser must load
    // them to be asked for the admin key) and its data is like /metrics: open on an open gateway, behind a key
    // (a master key, or a gateway key as for /metrics) when keys are required.
    const page = { schema: { hide: true }, config: { surface: "page" as const } };
    const data = { schema: { hide: true }, config: { surface: "metrics" as const } };

    const sendFile = (name: string, request: { headers: Record<string, unknown> }, reply: FastifyReply) => {
      const file = files?.files.get(name);
      if (file === undefined) throw new GatewayError("not_found", `The console has no file '${name}'.`);
      reply.header("cache-control", "no-cache").header("etag", file.etag).header("vary", "accept-encoding");
      if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
      reply.type(file.contentType);
      const acceptEncoding = request.headers["accept-encoding"];
      if (typeof acceptEncoding === "string" && /\bgzip\b/.test(acceptEncoding))
        return reply.header("content-encoding", "gzip").send(file.gzipped);
      return reply.send(file.body);
    };

    scope.get(path, page, async (request, reply) => {
      if (files === undefined)
        return reply
          .code(503)
          .type("text/plain; charset=utf-8")
          .send("The console's page was not built: run `npm run build`, then restart the gateway.\n");
      return sendFile("index.html", request, reply);
    });
    scope.get(`${path}/*`, page, async (request, reply) =>
      sendFile((request.params as { "*": string })["*"], request, reply),
    );
    scope.get(`${path}/api/access`, page, async (): Promise<ConsoleAccess> => options.access());
    scope.get(`${path}/api/routes`, data, async () =>
      coordinator.call(CONSOLE_SERVICE, { op: "routes" } satisfies ConsoleCall, { timeoutMs: 2000 }),
    );
    scope.get(`${path}/api/events`, data, async (request, reply) => {
      const route = (request.query as { route?: unknown }).route;
      if (
        route !== undefined &&
        (typeof route !== "string" || options.routes.current.get(route) === undefined)
      )
        throw new GatewayError(
          "route_not_found",
          `The query parameter 'route' names no route: ${String(route)}.`,
        );
      if (streams.full)
        throw new GatewayError(
          "overloaded",
          `Too many console pages are open (at most ${streams.maxStreams}).`,
        );
      reply.hijack();
      await streams.start(reply.raw, route ?? null, {
        ...SSE_HEADERS,
        ...securityHeaders,
        [REQUEST_ID_HEADER]: request.id,
      });
    });
  });
}
