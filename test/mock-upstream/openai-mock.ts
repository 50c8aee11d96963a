import { createSpecValidator } from "../spec-validator.js";
import { countWords, echoChat, lastUserText, messageTexts, textOf } from "./echo-rules.js";
import { arrayOf, isRecord, type JsonRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import {
  openAIChatCompletion,
  openAIChatStreamFrames,
  openAICompletion,
  openAICompletionStreamFrames,
  openAIEmbeddings,
  openAIError,
  openAIModelList,
} from "./openai-bodies.js";
import { openAIResponse, openAIResponseStreamFrames } from "./openai-responses-bodies.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * OpenAI (https://platform.openai.com/docs/api-reference) and its Azure form
 * (https://learn.microsoft.com/azure/ai-services/openai/reference): Azure puts the deployment in the path
 * and the API version in the query, sends no `model` in the body, and authenticates with `api-key` or a
 * bearer token. Errors use OpenAI's ErrorResponse shape on both forms. The Responses API
 * (https://platform.openai.com/docs/api-reference/responses) is served on the OpenAI form: it refuses reasoning
 * items whose `encrypted_content` it did not make ("enc_" + a response id of this mock), as the API does.
 */

type Operation = "chat" | "completions" | "embeddings" | "models" | "responses";

interface Route {
  operation: Operation;
  /** Set on the Azure form. */
  deployment?: string;
}

const REQUEST_SCHEMAS: Record<Exclude<Operation, "models">, string> = {
  chat: "CreateChatCompletionRequest",
  completions: "CreateCompletionRequest",
  embeddings: "CreateEmbeddingRequest",
  responses: "CreateResponse",
};

const OPENAI_PATHS: Record<string, Operation> = {
  "POST /v1/chat/completions": "chat",
  "POST /v1/completions": "completions",
  "POST /v1/embeddings": "embeddings",
  "GET /v1/models": "models",
  "POST /v1/responses": "responses",
};

const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

function routeOf(request: RecordedRequest): Route | undefined {
  const operation = OPENAI_PATHS[`${request.method} ${request.path}`];
  if (operation !== undefined) return { operation };
  const azure = AZURE_PATH.exec(request.path);
  if (request.method !== "POST" || azure === null) return undefined;
  return {
    operation: azure[2] === "embeddings" ? "embeddings" : "chat",
    deployment: decodeURIComponent(azure[1] ?? ""),
  };
}

function hasBearer(request: RecordedRequest): boolean {
  return /^Bearer \S+/.test(request.headers.authorization ?? "");
}

function isAuthorized(request: RecordedRequest, route: Route): boolean {
  if (route.deployment !== undefined && (request.headers["api-key"] ?? "") !== "") return true;
  return hasBearer(request);
}

function validate(request: RecordedRequest): string[] {
  const route = routeOf(request);
  if (route === undefined || route.operation === "models") return [];
  let body = request.body;
  // Azure takes the model from the deployment; lend it to the body so the OpenAI schema applies as is.
  if (route.deployment !== undefined && isRecord(body) && !("model" in body)) {
    body = { ...body, model: route.deployment };
  }
  const errors = createSpecValidator("openai").validate(REQUEST_SCHEMAS[route.operation], body);
  if (route.deployment !== undefined && !request.query["api-version"]) {
    errors.push("Azure request without the api-version query parameter");
  }
  return errors;
}

function respond(request: RecordedRequest, violations: string[], sequence: number): ScriptedResponse {
  const route = routeOf(request);
  if (route === undefined) {
    return json(404, openAIError(`Invalid URL (${request.method} ${request.path})`));
  }
  if (!isAuthorized(request, route)) {
    return json(401, openAIError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"));
  }
  if (violations.length > 0) return json(400, openAIError(violations.join("; ")));
  const body = isRecord(request.body) ? request.body : {};
  const model = typeof body.model === "string" ? body.model : (route.deployment ?? "unknown");
  switch (route.operation) {
    case "models":
      return json(200, openAIModelList());
    case "embeddings":
      return json(
        200,
        openAIEmbeddings(
          embeddingInputs(body.input),
          model,
          body.encoding_format === "base64" ? "base64" : "float",
        ),
      );
    case "completions":
      return completions(body, model, sequence);
    case "chat":
      return chat(body, model, sequence);
    case "responses":
      return responses(body, model, sequence);
  }
}

const ENCRYPTED = /^enc_resp_mock_\d+$/;

function responses(body: JsonRecord, model: string, sequence: number): ScriptedResponse {
  const input =
    typeof body.input === "string" ? [{ role: "user", content: body.input }] : arrayOf(body.input);
  for (const item of input) {
    if (isRecord(item) && item.type === "reasoning" && typeof item.encrypted_content === "string") {
      if (!ENCRYPTED.test(item.encrypted_content))
        return json(
          400,
          openAIError(`The encrypted content for item ${String(item.id)} could not be verified.`),
        );
    }
  }
  const texts = [
    textOf(body.instructions),
    ...input.map((item) => (isRecord(item) ? textOf(item.content ?? item.output) : "")),
  ];
  const firstTool = arrayOf(body.tools).find((tool) => isRecord(tool) && tool.type === "function");
  const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
  const reply = echoChat({
    id: `resp_mock_${sequence}`,
    toolCallId: `call_mock_${sequence}`,
    model,
    texts,
    lastUserText: lastUserText(input),
    firstToolName: isRecord(firstTool) && typeof firstTool.name === "string" ? firstTool.name : undefined,
    reasoning: typeof reasoning.effort === "string" && reasoning.effort !== "none",
  });
  const options = {
    ...reply,
    includeEncrypted: arrayOf(body.include).includes("reasoning.encrypted_content"),
    echo: {
      store: body.store === true,
      ...(isRecord(body.reasoning) && {
        reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
      }),
    },
  };
  if (body.stream !== true) return json(200, openAIResponse(options));
  return { kind: "stream", frames: openAIResponseStreamFrames(options) };
}

function chat(body: JsonRecord, model: string, sequence: number): ScriptedResponse {
  const messages = arrayOf(body.messages);
  const firstTool = arrayOf(body.tools)[0];
  const reply = echoChat({
    id: `chatcmpl-mock-${sequence}`,
    toolCallId: `call_mock_${sequence}`,
    model,
    texts: messageTexts(messages),
    lastUserText: lastUserText(messages),
    firstToolName: isRecord(firstTool) ? toolName(firstTool) : undefined,
    reasoning: typeof body.reasoning_effort === "string" && body.reasoning_effort !== "none",
  });
  const options = { ...reply, n: typeof body.n === "number" ? body.n : 1 };
  if (body.stream !== true) return json(200, openAIChatCompletion(options));
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    kind: "stream",
    frames: openAIChatStreamFrames({ ...options, includeUsage: streamOptions.include_usage === true }),
  };
}

function toolName(tool: JsonRecord): string | undefined {
  const definition = isRecord(tool.function) ? tool.function : isRecord(tool.custom) ? tool.custom : {};
  return typeof definition.name === "string" ? definition.name : undefined;
}

function completions(body: JsonRecord, model: string, sequence: number): ScriptedResponse {
  const prompt = textOf(body.prompt);
  const options = {
    id: `cmpl-mock-${sequence}`,
    model,
    text: `Echo: ${prompt}`,
    promptTokens: countWords(prompt),
    n: typeof body.n === "number" ? body.n : 1,
  };
  if (body.stream !== true) return json(200, openAICompletion(options));
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    kind: "stream",
    frames: openAICompletionStreamFrames({ ...options, includeUsage: streamOptions.include_usage === true }),
  };
}

/** Strings as they are; token arrays as their numbers joined with spaces (so one "word" per token). */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === "string") return [input];
  const items = arrayOf(input);
  if (items.every((item) => typeof item === "number")) return [items.join(" ")];
  return items.map((item) => (Array.isArray(item) ? item.join(" ") : String(item)));
}

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body, headers: { "x-request-id": "req_mock" } };
}

/** Starts the OpenAI (and Azure OpenAI) mock on 127.0.0.1, on an ephemeral port. */
export function startOpenAIMock(): Promise<MockUpstream> {
  return startMockUpstream({ validate, respond });
}
