/** The playground's request: which of the gateway's public OpenAI-shaped endpoints, and with what body. */
export type RouteKind = "llm/v1/chat" | "llm/v1/completions" | "llm/v1/embeddings";

export interface PlaygroundInput {
  route: string;
  kind: RouteKind;
  system: string;
  text: string;
  maxTokens: string;
  temperature: string;
  stream: boolean;
}

/** Tags the playground's traffic, so the gateway counts it apart (the traffic page shows how much). */
export const SOURCE_HEADER = ["x-switchyard-source", "console"] as const;

export interface PlannedRequest {
  path: string;
  body: Record<string, unknown>;
  streams: boolean;
}

export function planRequest(input: PlaygroundInput): PlannedRequest {
  if (input.kind === "llm/v1/embeddings")
    return { path: "/v1/embeddings", body: { model: input.route, input: input.text }, streams: false };
  const body: Record<string, unknown> = { model: input.route };
  if (input.kind === "llm/v1/chat") {
    const messages = [];
    if (input.system.trim() !== "") messages.push({ role: "system", content: input.system });
    messages.push({ role: "user", content: input.text });
    body.messages = messages;
  } else {
    body.prompt = input.text;
  }
  const maxTokens = Number.parseInt(input.maxTokens, 10);
  if (Number.isFinite(maxTokens)) body.max_tokens = maxTokens;
  const temperature = Number.parseFloat(input.temperature);
  if (Number.isFinite(temperature)) body.temperature = temperature;
  if (input.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return {
    path: input.kind === "llm/v1/chat" ? "/v1/chat/completions" : "/v1/completions",
    body,
    streams: input.stream,
  };
}

/** The same request for a terminal; the key, if any, is left to an environment variable, never written out. */
export function curlCommand(origin: string, planned: PlannedRequest, withKey: boolean): string {
  const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
  const lines = [
    `curl${planned.streams ? " -N" : ""} -X POST ${quote(origin + planned.path)}`,
    `  -H 'Content-Type: application/json'`,
    `  -H '${SOURCE_HEADER[0]}: ${SOURCE_HEADER[1]}'`,
  ];
  if (withKey) lines.push(`  -H "Authorization: Bearer $SWITCHYARD_API_KEY"`);
  lines.push(`  -d ${quote(JSON.stringify(planned.body))}`);
  return lines.join(" \\\n");
}
