/** The three kinds of route the gateway serves, named as in the MLflow AI Gateway. */
export const ROUTE_TYPES = ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

/** The operation a route type performs, used in provider capability lists and messages. */
export type Operation = "chat" | "completions" | "embeddings";

export const OPERATION_OF_ROUTE_TYPE: Record<RouteType, Operation> = {
  "llm/v1/chat": "chat",
  "llm/v1/completions": "completions",
  "llm/v1/embeddings": "embeddings",
};

export function isRouteType(value: unknown): value is RouteType {
  return typeof value === "string" && (ROUTE_TYPES as readonly string[]).includes(value);
}
