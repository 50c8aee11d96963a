import { createSpecValidator } from "../spec-validator.js";
import {
  type CohereEmbeddingType,
  cohereChatResponse,
  cohereEmbedResponse,
  cohereError,
  cohereStreamFrames,
} from "./cohere-bodies.js";
import { echoChat, lastUserText, messageTexts, textOf } from "./echo-rules.js";
import { arrayOf, isRecord, type JsonRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";

/** Cohere v2 chat and embed (https://docs.cohere.com/reference/about), authenticated with a bearer token. */

const ROUTES: Record<string, { operation: "chat" | "embed"; schema: string }> = {
  "POST /v2/chat": { operation: "chat", schema: "V2ChatRequest" },
  "POST /v2/embed": { operation: "embed", schema: "V2EmbedRequest" },
};

const EMBEDDING_TYPES = new Set<string>(["float", "int8", "uint8", "binary", "ubinary", "base64"]);

function routeOf(request: RecordedRequest) {
  return ROUTES[`${request.method} ${request.path}`];
}

function validate(request: RecordedRequest): string[] {
  const route = routeOf(request);
  return route === undefined ? [] : createSpecValidator("cohere").validate(route.schema, request.body);
}

function respond(request: RecordedRequest, violations: string[], sequence: number): ScriptedResponse {
  const errorId = `error-mock-${sequence}`;
  const route = routeOf(request);
  if (route === undefined)
    return json(404, cohereError(`${request.method} ${request.path} not found`, errorId));
  if (!/^Bearer \S+/.test(request.headers.authorization ?? "")) {
    return json(401, cohereError("invalid api token", errorId));
  }
  if (violations.length > 0)
    return json(400, cohereError(`invalid request: ${violations.join("; ")}`, errorId));
  const body = isRecord(request.body) ? request.body : {};
  return route.operation === "chat" ? chat(body, sequence) : embed(body, sequence);
}

function chat(body: JsonRecord, sequence: number): ScriptedResponse {
  const messages = arrayOf(body.messages);
  const firstTool = arrayOf(body.tools)[0];
  const toolFunction = isRecord(firstTool) && isRecord(firstTool.function) ? firstTool.function : {};
  const firstToolName = typeof toolFunction.name === "string" ? toolFunction.name : undefined;
  const reply = echoChat({
    id: `chat-mock-${sequence}`,
    toolCallId: `${firstToolName ?? "tool"}_mock${sequence}`,
    model: typeof body.model === "string" ? body.model : "unknown",
    texts: messageTexts(messages),
    lastUserText: lastUserText(messages),
    firstToolName,
    // https://docs.cohere.com/docs/reasoning: `thinking: {type: "enabled"}` turns reasoning on.
    reasoning: isRecord(body.thinking) && body.thinking.type === "enabled",
  });
  if (body.stream === true)
    return { kind: "stream", frames: cohereStreamFrames(reply), contentType: "text/event-stream" };
  return json(200, cohereChatResponse(reply));
}

/** `texts`, or else the text parts of each of `inputs` (images contribute nothing). */
function embed(body: JsonRecord, sequence: number): ScriptedResponse {
  const texts = Array.isArray(body.texts)
    ? body.texts.map(textOf)
    : arrayOf(body.inputs).map((input) => (isRecord(input) ? textOf(input.content) : ""));
  const requested = arrayOf(body.embedding_types).filter(
    (type): type is CohereEmbeddingType => typeof type === "string" && EMBEDDING_TYPES.has(type),
  );
  const types = requested.length > 0 ? requested : (["float"] as CohereEmbeddingType[]);
  return json(200, cohereEmbedResponse(texts, types, `embed-mock-${sequence}`));
}

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body };
}

/** Starts the Cohere v2 mock on 127.0.0.1, on an ephemeral port. */
export function startCohereMock(): Promise<MockUpstream> {
  return startMockUpstream({ validate, respond });
}
