/**
 * `switchyard-gateway/client`: the TypeScript client of a Switchyard gateway. Browser-safe: it uses `fetch` and
 * standard web APIs only, and imports nothing outside this folder.
 */
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
  type FetchFunction,
  type GatewayClientOptions,
} from "./client-options.js";
export { getGatewayUri, getRoute, query, searchRoutes, setGatewayUri } from "./fluent-api.js";
export { type CallOptions, GatewayClient } from "./gateway-client.js";
export {
  GatewayClientError,
  type GatewayClientErrorKind,
  isGatewayClientError,
} from "./gateway-client-error.js";
export type { GatewayRoute, KnownRouteType, RoutePage, RouteType } from "./gateway-route.js";
export { GATEWAY_URI_ENV_VARS, GatewayUriError, gatewayUriFromEnvironment } from "./gateway-uri.js";
export type {
  ChatCandidate,
  ChatContentPart,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatRole,
  CompletionsCandidate,
  CompletionsRequest,
  CompletionsResponse,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
  QueryRequest,
  QueryResponse,
  RequestOfRouteType,
  ResponseMetadata,
  ResponseOfRouteType,
  SamplingFields,
  ToolCall,
} from "./query-types.js";
