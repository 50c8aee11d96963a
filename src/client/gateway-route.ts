/** The three route types of the MLflow AI Gateway API. */
export type KnownRouteType = "llm/v1/chat" | "llm/v1/completions" | "llm/v1/embeddings";

/**
 * A route's type. A newer gateway may report types this client does not know yet; they come through as plain
 * strings rather than failing (as MLflow's client does).
 */
export type RouteType = KnownRouteType | (string & Record<never, never>);

/**
 * A route as the gateway describes it (`GET /api/2.0/gateway/routes/{name}`). Never contains the provider
 * config, so never a key.
 */
export interface GatewayRoute {
  name: string;
  route_type: RouteType;
  model: {
    /** The upstream model name, e.g. `gpt-4o-mini`. */
    name: string;
    /** The provider, e.g. `openai`, `anthropic`, `mock`. */
    provider: string;
  };
  /**
   * Where to send queries. The gateway answers `/gateway/{name}/invocations`; the client makes it absolute
   * (`{gatewayUri}/gateway/{name}/invocations`), as MLflow's client does.
   */
  route_url: string;
  /** Each target of the route (`provider/model`) and the state of its circuit breaker. */
  health?: {
    targets: {
      target: string;
      circuit: "closed" | "open" | "half_open" | "recovering" | (string & Record<never, never>);
    }[];
  };
}

/** One page of `GET /api/2.0/gateway/routes/`. `searchRoutes` follows the pages for you. */
export interface RoutePage {
  routes: GatewayRoute[];
  /** Pass it back as `page_token` (with the same filter) for the next page; `null` on the last page. */
  next_page_token: string | null;
}
