import type { GatewayClientOptions } from "./client-options.js";
import { type CallOptions, GatewayClient } from "./gateway-client.js";
import type { GatewayRoute } from "./gateway-route.js";
import { GatewayUriError, gatewayUriFromEnvironment, normalizeGatewayUri } from "./gateway-uri.js";
import type { QueryRequest, QueryResponse } from "./query-types.js";

/**
 * The fluent API: module-level functions over one shared client, as MLflow's `mlflow.gateway` offers.
 * The URI is the one given to {@link setGatewayUri}, else `SWITCHYARD_GATEWAY_URI`, else `MLFLOW_GATEWAY_URI`.
 */
let configured: { uri: string; options: GatewayClientOptions } | undefined;
let shared: GatewayClient | undefined;

const NO_URI =
  "No gateway URI has been set: call setGatewayUri('http://host:port') or set the environment variable " +
  "SWITCHYARD_GATEWAY_URI (or MLFLOW_GATEWAY_URI) to the running gateway's URI.";

/**
 * Sets the gateway the fluent functions talk to, with optional client options (headers, timeout, retries).
 * Throws a `GatewayUriError` when the URI has no scheme or host (`"localhost:5000"`): write `http://localhost:5000`.
 */
export function setGatewayUri(uri: string, options: GatewayClientOptions = {}): void {
  configured = { uri: normalizeGatewayUri(uri), options };
  shared = undefined;
}

/**
 * The gateway URI in use: the one set with {@link setGatewayUri}, else `SWITCHYARD_GATEWAY_URI`, else
 * `MLFLOW_GATEWAY_URI`. Throws a `GatewayUriError` when none is set, or when the environment's is malformed.
 */
export function getGatewayUri(): string {
  if (configured !== undefined) return configured.uri;
  const fromEnvironment = gatewayUriFromEnvironment();
  if (fromEnvironment === undefined) throw new GatewayUriError(NO_URI);
  return fromEnvironment;
}

/** One route by name; see {@link GatewayClient.getRoute}. */
export async function getRoute(name: string, callOptions?: CallOptions): Promise<GatewayRoute> {
  return client().getRoute(name, callOptions);
}

/** Every route (or those matching `filter`), across all pages; see {@link GatewayClient.searchRoutes}. */
export async function searchRoutes(filter?: string, callOptions?: CallOptions): Promise<GatewayRoute[]> {
  return client().searchRoutes(filter, callOptions);
}

/** Queries a route; see {@link GatewayClient.query}. */
export async function query<R extends QueryRequest>(
  route: string,
  data: R,
  callOptions?: CallOptions,
): Promise<QueryResponse<R>> {
  return client().query(route, data, callOptions);
}

/** The shared client, recreated when the URI changes (the environment may change between calls). */
function client(): GatewayClient {
  const uri = getGatewayUri();
  if (shared === undefined || shared.gatewayUri !== uri) shared = new GatewayClient(uri, configured?.options);
  return shared;
}
