import type { z } from "zod";
import {
  type ChatMessage,
  type ChatRequest,
  type CompletionsRequest,
  type EmbeddingsRequest,
  GatewayError,
  type Operation,
  type SamplingParameters,
} from "../../canonical/index.js";
import type { RequestOf } from "../../providers/upstream-target.js";
import { safeParseReportingInput } from "../parse-reporting-input.js";
import { describeZodIssue, dottedPath } from "../zod-issue-text.js";
import {
  chatRequestSchema,
  completionsRequestSchema,
  embeddingsRequestSchema,
  SAMPLING_KEYS,
  type SamplingFields,
} from "./request-schemas.js";

/** Decodes an MLflow AI Gateway request body into the canonical request of the route's operation. */
export function decodeMlflowRequest<O extends Operation>(operation: O, body: unknown): RequestOf<O> {
  refuseReservedFields(body);
  if (operation === "chat") return decodeChat(body) as RequestOf<O>;
  if (operation === "completions") return decodeCompletions(body) as RequestOf<O>;
  return decodeEmbeddings(body) as RequestOf<O>;
}

function refuseReservedFields(body: unknown): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_body", "The request body must be a JSON object.");
  }
  const record = body as Record<string, unknown>;
  if ("model" in record) {
    throw new GatewayError(
      "parameter_not_permitted",
      "The parameter 'model' is not permitted: the route being queried already defines the model.",
      { param: "model" },
    );
  }
  if ("n" in record) {
    throw new GatewayError(
      "parameter_not_permitted",
      "Invalid parameter 'n'. Use 'candidate_count' instead.",
      { param: "n" },
    );
  }
  if (record.stream === true) {
    throw new GatewayError(
      "parameter_not_permitted",
      'Streaming is not part of the MLflow AI Gateway query API; use POST /v1/chat/completions or /v1/completions with "stream": true.',
      { param: "stream" },
    );
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = safeParseReportingInput(schema, body);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${dottedPath(issue.path) || "body"} ${describeZodIssue(issue, true)}`,
  );
  const first = result.error.issues[0];
  throw new GatewayError("invalid_body", `Invalid request body: ${problems.join("; ")}.`, {
    ...(first === undefined ? {} : { param: dottedPath(first.path) }),
  });
}

function decodeSampling(
  input: SamplingFields & Record<string, unknown>,
  consumed: string[],
): SamplingParameters {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!consumed.includes(key) && !SAMPLING_KEYS.includes(key)) extra[key] = value;
  }
  const sampling: SamplingParameters = {
    // The MLflow API's temperature runs 0..1; the canonical scale (OpenAI's) runs 0..2.
    temperature: input.temperature * 2,
    n: input.candidate_count,
    extra,
  };
  if (input.max_tokens !== undefined) sampling.maxTokens = input.max_tokens;
  if (input.stop !== undefined) sampling.stop = input.stop;
  if (input.top_p !== undefined) sampling.topP = input.top_p;
  if (input.seed !== undefined) sampling.seed = input.seed;
  return sampling;
}

function decodeChat(body: unknown): ChatRequest {
  const input = parse(chatRequestSchema, body);
  const messages: ChatMessage[] = input.messages.map((message) => {
    const decoded: ChatMessage = { role: message.role, content: message.content as ChatMessage["content"] };
    if (message.name !== undefined) decoded.name = message.name;
    return decoded;
  });
  return { ...decodeSampling(input, ["messages"]), messages };
}

function decodeCompletions(body: unknown): CompletionsRequest {
  const input = parse(completionsRequestSchema, body);
  return { ...decodeSampling(input, ["prompt"]), prompt: input.prompt };
}

function decodeEmbeddings(body: unknown): EmbeddingsRequest {
  const input = parse(embeddingsRequestSchema, body);
  if (input.text !== undefined && input.texts !== undefined) {
    throw new GatewayError("invalid_body", "Invalid request body: give either 'text' or 'texts', not both.", {
      param: "texts",
    });
  }
  const texts = input.text ?? input.texts;
  if (texts === undefined) {
    throw new GatewayError(
      "invalid_body",
      "Invalid request body: text is required (a string or a list of strings; 'texts' is accepted too).",
      {
        param: "text",
      },
    );
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (key !== "text" && key !== "texts") extra[key] = value;
  const singleInput = typeof texts === "string";
  return { input: singleInput ? [texts] : texts, singleInput, extra };
}
