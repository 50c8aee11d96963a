import {
  type GatewayClientOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from "./client-options.js";
import { GatewayClientError } from "./gateway-client-error.js";
import type { GatewayRoute, RoutePage } from "./gateway-route.js";
import { normalizeGatewayUri } from "./gateway-uri.js";
import type { QueryRequest, QueryResponse } from "./query-types.js";
import { requestJson } from "./request-json.js";

/** Per-call options. */
export interface CallOptions {
  /** Aborting it cancels the call (and any wait before a retry); the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A client of a Switchyard gateway's MLflow AI Gateway API. Works in Node 20+ and in browsers: it uses only
 * `fetch`. Holds no keys: the gateway holds them.
 *
 * @example
 * ```ts
 * const client = new GatewayClient("http://127.0.0.1:5000");
 * const reply = await client.query("chat", { messages: [{ role: "user", content: "Hello" }] });
 * ```
 */
export class GatewayClient {
  /** The gateway's base URI, checked, without a trailing slash. */
  readonly gatewayUri: string;
  private readonly options: ResolvedClientOptions;

  /**
   * @param gatewayUri - `http(s)://host[:port][/prefix]`. Throws a `GatewayUriError` without a scheme or host.
   * @param options - timeout, retries, extra headers, custom fetch; see {@link GatewayClientOptions}.
   */
  constructor(gatewayUri: string, options: GatewayClientOptions = {}) {
    this.gatewayUri = normalizeGatewayUri(gatewayUri);
    this.options = resolveClientOptions(options);
  }

  /**
   * One route, by name (`GET /api/2.0/gateway/routes/{name}`), with `route_url` made absolute.
   * An unknown route throws a GatewayClientError with status 404.
   */
  async getRoute(name: string, callOptions: CallOptions = {}): Promise<GatewayRoute> {
    const route = requireName(name);
    const body = await requestJson(this.options, {
      method: "GET",
      url: `${this.gatewayUri}/api/2.0/gateway/routes/${encodeURIComponent(route)}`,
      action: `Getting route '${route}'`,
      route,
      ...callOptions,
    });
    return this.resolveRoute(body);
  }

  /**
   * Every route, or those matching `filter`, following `next_page_token` across pages.
   *
   * The filter is applied by the gateway: clauses `field operator 'value'` joined with `AND`, where field is
   * `name`, `route_type`, `model.name` or `model.provider` and operator is `=`, `!=`, `LIKE` or `ILIKE`
   * (`%` any run of characters, `_` one character), e.g. `name LIKE 'chat%' AND model.provider = 'openai'`.
   * A malformed filter throws a GatewayClientError with status 400 whose detail shows where it went wrong.
   */
  async searchRoutes(filter?: string, callOptions: CallOptions = {}): Promise<GatewayRoute[]> {
    const routes: GatewayRoute[] = [];
    const seenTokens = new Set<string>();
    let pageToken: string | null = null;
    do {
      const query = new URLSearchParams();
      if (filter !== undefined && filter !== "") query.set("filter", filter);
      if (this.options.pageSize !== undefined) query.set("max_results", String(this.options.pageSize));
      if (pageToken !== null) query.set("page_token", pageToken);
      const search = query.toString() === "" ? "" : `?${query}`;
      const url = `${this.gatewayUri}/api/2.0/gateway/routes/${search}`;
      const body = await requestJson(this.options, {
        method: "GET",
        url,
        action: "Listing routes",
        ...callOptions,
      });
      const page = this.readPage(body, url);
      routes.push(...page.routes);
      pageToken = page.next_page_token;
      if (pageToken !== null && seenTokens.has(pageToken))
        throw this.unexpected(url, "repeated a page token");
      if (pageToken !== null) seenTokens.add(pageToken);
    } while (pageToken !== null);
    return routes;
  }

  /**
   * Queries a route (`POST /gateway/{route}/invocations`). The response type follows the request: `messages`
   * gives a chat response, `prompt` a completions response, `text` an embeddings response.
   * Fields beyond the typed ones are forwarded to the provider.
   */
  async query<R extends QueryRequest>(
    route: string,
    data: R,
    callOptions: CallOptions = {},
  ): Promise<QueryResponse<R>> {
    const name = requireName(route);
    const body = await requestJson(this.options, {
      method: "POST",
      url: `${this.gatewayUri}/gateway/${encodeURIComponent(name)}/invocations`,
      action: `Query of route '${name}'`,
      route: name,
      body: data,
      ...callOptions,
    });
    // The gateway validated the request against the route's type and answers in the matching shape.
    return body as QueryResponse<R>;
  }

  private readPage(body: unknown, url: string): RoutePage {
    const page = body as Partial<RoutePage> | null;
    if (typeof page !== "object" || page === null || !Array.isArray(page.routes)) {
      throw this.unexpected(url, "has no 'routes' list");
    }
    const token = page.next_page_token;
    return {
      routes: page.routes.map((route) => this.resolveRoute(route)),
      next_page_token: typeof token === "string" && token !== "" ? token : null,
    };
  }

  private resolveRoute(body: unknown): GatewayRoute {
    const route = body as GatewayRoute;
    if (typeof route !== "object" || route === null || typeof route.route_url !== "string") return route;
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(route.route_url);
    const separator = route.route_url.startsWith("/") ? "" : "/";
    return {
      ...route,
      route_url: absolute ? route.route_url : `${this.gatewayUri}${separator}${route.route_url}`,
    };
  }

  private unexpected(url: string, problem: string): GatewayClientError {
    return new GatewayClientError({
      kind: "http",
      message: `Listing routes: the answer to GET ${url} ${problem}, so it did not come from a Switchyard gateway. Check the gateway URI.`,
      method: "GET",
      url,
      status: 200,
      attempts: 1,
    });
  }
}

function requireName(name: string): string {
  if (typeof name !== "string" || name === "")
    throw new TypeError("A non-empty string is required for the route.");
  return name;
}
