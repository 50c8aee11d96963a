import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
} from "fastify";
import { GatewayError } from "../canonical/index.js";
import type { AccessControl, Admission } from "../governance/access/access-control.js";
import type { KnownKey } from "../governance/access/key-directory.js";
import type { Principal } from "../governance/principal.js";
import type { GatewayMetrics } from "../observability/metrics.js";

/**
 * What a route is, for access control. Routes say so in their options (`config: { surface: "health" }`); a route
 * that says nothing is inference and needs a gateway key when keys are required, so a new API cannot be added
 * without it.
 */
export type Surface =
  | "inference"
  | "health"
  /** The web console's static files: public, they hold no data. */
  | "page"
  | "metrics"
  | "docs"
  | "openapi"
  | "admin"
  | "self"
  /** A change of settings outside the admin API (MLflow's `set_limits`): open on an open gateway, else a master key. */
  | "settings";

declare module "fastify" {
  interface FastifyContextConfig {
    surface?: Surface;
  }
  interface FastifyRequest {
    /** The key's principal, for the request's route (routing) and limits; null on an open gateway. */
    principal: Principal | null;
    /** The gateway key that authenticated the request, if any (its record, for `/v1/me`). */
    gatewayKey: KnownKey | null;
    /** The admin API caller (`master:<name>`), set for admin routes. */
    adminActor: string | null;
  }
}

/**
 * Puts the check of each surface in front of every route as it is registered (an `onRoute` hook), so the check
 * is decided once per route, not per request. Must be called before any route is registered. Settings are read
 * live, so a reload that closes `/metrics` takes effect at once.
 */
export function useAccessControl(app: FastifyInstance, access: () => AccessControl): void {
  app.decorateRequest("principal", null);
  app.decorateRequest("gatewayKey", null);
  app.decorateRequest("adminActor", null);
  const hooks: Record<Surface, onRequestHookHandler | undefined> = {
    health: undefined,
    // The console's static files: public, so a browser can load the page that then asks for the admin key;
    // they hold no data (the console's data is behind `metrics`).
    page: undefined,
    inference: (request, reply, done) =>
      settle(request, reply, done, "inference", access().admitInference(request.headers)),
    self: (request, reply, done) =>
      settle(request, reply, done, "self", access().admitOwnKey(request.headers)),
    metrics: surfaceHook(access, "metrics", "/metrics"),
    docs: surfaceHook(access, "docs", "/docs"),
    openapi: surfaceHook(access, "openapi", "/openapi.json"),
    settings: (request, reply, done) => {
      const control = access();
      // Without gateway keys the gateway is open, as MLflow's own server: anyone who can reach it may change it.
      if (control.keyHasher === undefined) return done();
      const admitted = control.admitAdmin(request.headers);
      if (!admitted.ok) return refuse(reply, done, "settings", admitted.error);
      request.adminActor = admitted.actor;
      done();
    },
    admin: (request, reply, done) => {
      const control = access();
      if (control.surfaces.admin === "off") return done(notServed(request));
      const admitted = control.admitAdmin(request.headers);
      if (!admitted.ok) return refuse(reply, done, "admin", admitted.error);
      request.adminActor = admitted.actor;
      done();
    },
  };
  app.addHook("onRoute", (options) => {
    const hook = hooks[surfaceOf(options.url, options.config?.surface)];
    if (hook === undefined) return;
    const existing = options.onRequest;
    options.onRequest =
      existing === undefined ? [hook] : [hook, ...(Array.isArray(existing) ? existing : [existing])];
  });
}

/**
 * Swagger UI's own routes (`/docs/...`) cannot carry options: they are known by their path, as is everything
 * under `/admin/` (the admin API, which needs a master key: stricter than inference, never looser).
 */
function surfaceOf(url: string, declared: Surface | undefined): Surface {
  if (url.startsWith("/admin/")) return "admin";
  if (declared !== undefined) return declared;
  if (url === "/docs/json" || url === "/docs/yaml") return "openapi";
  if (url === "/docs" || url.startsWith("/docs/")) return "docs";
  return "inference";
}

function surfaceHook(
  access: () => AccessControl,
  surface: "metrics" | "docs" | "openapi",
  name: string,
): onRequestHookHandler {
  return (request, reply, done) => {
    const control = access();
    const setting = control.surfaces[surface];
    if (setting === "open") return done();
    if (setting === "off") return done(notServed(request));
    settle(request, reply, done, surface, control.admitAnyKey(request.headers, name));
  };
}

function settle(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  surface: Surface,
  admission: Admission | Promise<Admission>,
): void {
  if (!(admission instanceof Promise)) {
    apply(request, reply, done, surface, admission);
    return;
  }
  admission.then(
    (result) => apply(request, reply, done, surface, result),
    (error: unknown) => done(error as Error),
  );
}

function apply(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  surface: Surface,
  admission: Admission,
): void {
  if (!admission.ok) {
    refuse(reply, done, surface, admission.error);
    return;
  }
  if (admission.key !== null) {
    request.gatewayKey = admission.key;
    request.principal = admission.key.principal;
  }
  done();
}

function refuse(
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  surface: Surface,
  error: GatewayError,
): void {
  // Refused before a route is known, so the request metrics do not see it: counted here (the app has metrics
  // once registerMetrics ran; a bare app in a unit test may not).
  const metrics = reply.server.metrics as GatewayMetrics | undefined;
  if (metrics !== undefined) metrics.accessRefusals.labels(surface, error.code).value++;
  // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
  if (error.status === 401) reply.header("www-authenticate", 'Bearer realm="switchyard"');
  done(error);
}

/** A surface turned off is absent, as if it were never there. */
function notServed(request: FastifyRequest): GatewayError {
  return new GatewayError(
    "not_found",
    `Not Found: no ${request.method} ${request.url.split("?")[0]} on this gateway.`,
  );
}
