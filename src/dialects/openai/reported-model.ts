/**
 * The `model` the gateway reports to an OpenAI client. OpenAI answers with the model that served the request
 * (often a dated snapshot of the one asked for), so the gateway does too: the upstream's model when it named
 * one, else the route name the client sent.
 */
export function reportedModel(upstreamModel: string, routeName: string): string {
  return upstreamModel !== "" ? upstreamModel : routeName;
}
