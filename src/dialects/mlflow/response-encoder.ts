import type {
  ChatResponse,
  CompletionsResponse,
  EmbeddingsResponse,
  Operation,
  RouteType,
  Usage,
} from "../../canonical/index.js";
import type { ResponseOf } from "../../providers/upstream-target.js";
import type { JsonRecord } from "../narrow.js";

/** Encodes a canonical response in the MLflow AI Gateway's `candidates` / `metadata` shape. */
export function encodeMlflowResponse<O extends Operation>(
  operation: O,
  response: ResponseOf<O>,
  routeType: RouteType,
  model: string,
): JsonRecord {
  if (operation === "chat") return encodeChat(response as ChatResponse, routeType, model);
  if (operation === "completions")
    return encodeCompletions(response as CompletionsResponse, routeType, model);
  return encodeEmbeddings(response as EmbeddingsResponse, routeType, model);
}

function metadata(usage: Usage, model: string, routeType: RouteType): JsonRecord {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    model,
    route_type: routeType,
  };
}

function encodeChat(response: ChatResponse, routeType: RouteType, model: string): JsonRecord {
  return {
    candidates: response.choices.map((choice) => {
      const message: JsonRecord = { role: choice.message.role, content: choice.message.content };
      if (choice.message.toolCalls !== undefined) {
        // Not in MLflow's contract, which predates tools; given in OpenAI's shape so that callers can use them.
        message.tool_calls = choice.message.toolCalls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      return { message, metadata: { finish_reason: choice.finishReason } };
    }),
    metadata: metadata(response.usage, model, routeType),
  };
}

function encodeCompletions(response: CompletionsResponse, routeType: RouteType, model: string): JsonRecord {
  return {
    candidates: response.choices.map((choice) => ({
      text: choice.text,
      metadata: { finish_reason: choice.finishReason },
    })),
    metadata: metadata(response.usage, model, routeType),
  };
}

function encodeEmbeddings(response: EmbeddingsResponse, routeType: RouteType, model: string): JsonRecord {
  return { embeddings: response.embeddings, metadata: metadata(response.usage, model, routeType) };
}
