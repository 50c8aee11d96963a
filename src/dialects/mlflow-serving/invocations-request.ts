import {
  type ChatRequest,
  type CompletionsRequest,
  type EmbeddingsRequest,
  GatewayError,
  type SamplingParameters,
  singlePrompt,
  textOfContent,
} from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";

/**
 * Request bodies of an MLflow model server's `POST /invocations`
 * (https://mlflow.org/docs/latest/deployment/deploy-model-locally.html#inference-request-format), built as
 * MLflow's own `mlflow-model-serving` gateway provider builds them: `{"inputs": [...], "params": {...}}`, with
 * `params` left out when empty. The sampling parameters go in `params` under OpenAI's names (`temperature`, `n`,
 * `max_tokens`, `stop`, ...), with the request's extra fields.
 */
export function encodeCompletionsInvocation(request: CompletionsRequest): JsonRecord {
  return withParams({ inputs: [singlePrompt(request.prompt)] }, request);
}

/**
 * A served model takes one query: MLflow's provider refuses a conversation of several messages with a 422
 * (its wording kept) and sends the one message's text.
 */
export function encodeChatInvocation(request: ChatRequest): JsonRecord {
  const [message, ...rest] = request.messages;
  if (message === undefined || rest.length > 0) {
    throw new GatewayError(
      "parameter_unsupported",
      `MLflow chat models are only capable of processing a single query at a time. The request submitted consists of ${request.messages.length} queries.`,
      { param: "messages" },
    );
  }
  // A served model answers text only: tools it cannot call are refused rather than dropped.
  if (request.tools !== undefined && request.tools.length > 0) {
    throw new GatewayError(
      "feature_unsupported",
      "MLflow model serving cannot call tools: a served model takes one query and answers text. Send the request without tools.",
      { param: "tools" },
    );
  }
  return withParams({ inputs: [textOfContent(message.content)] }, request);
}

export function encodeEmbeddingsInvocation(request: EmbeddingsRequest): JsonRecord {
  const body: JsonRecord = { inputs: request.input };
  const params: JsonRecord = { ...request.extra };
  if (request.dimensions !== undefined) params.dimensions = request.dimensions;
  if (Object.keys(params).length > 0) body.params = params;
  return body;
}

function withParams(body: JsonRecord, request: SamplingParameters): JsonRecord {
  const params: JsonRecord = {};
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.n !== undefined) params.n = request.n;
  if (request.maxTokens !== undefined) params.max_tokens = request.maxTokens;
  if (request.stop !== undefined) params.stop = request.stop;
  if (request.topP !== undefined) params.top_p = request.topP;
  if (request.seed !== undefined) params.seed = request.seed;
  Object.assign(params, request.extra);
  if (Object.keys(params).length > 0) body.params = params;
  return body;
}
