import {
  type ChatResponse,
  type CompletionsResponse,
  type EmbeddingsResponse,
  UNKNOWN_USAGE,
} from "../../canonical/index.js";
import { invalidUpstreamResponse, isRecord, requireRecord, unixSecondsNow } from "../narrow.js";

/**
 * Reads `{"predictions": ...}` as MLflow's `mlflow-model-serving` provider does: text predictions are a list of
 * strings, a dict with one key (its value), or a dict with several keys of which `candidates` (or `choices`)
 * holds the list; embeddings are a list of vectors or one flat vector. Anything else is an invalid response
 * (502), as in MLflow. A served model reports no token counts and no finish reason.
 */
export function decodeTextPredictions(body: unknown): string[] {
  const predictions = predictionsOf(body);
  const list = isRecord(predictions) ? listInDict(predictions) : predictions;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === "string")) {
    throw invalidUpstreamResponse(
      "`predictions` is not a non-empty list of strings (nor a dict holding one under a single key, `candidates` or `choices`)",
    );
  }
  return list as string[];
}

export function completionsFromPredictions(body: unknown, model: string): CompletionsResponse {
  return {
    id: null,
    model,
    created: unixSecondsNow(),
    choices: decodeTextPredictions(body).map((text, index) => ({ index, text, finishReason: null })),
    usage: UNKNOWN_USAGE,
  };
}

export function chatFromPredictions(body: unknown, model: string): ChatResponse {
  return {
    id: null,
    model,
    created: unixSecondsNow(),
    choices: decodeTextPredictions(body).map((content, index) => ({
      index,
      message: { role: "assistant", content },
      finishReason: null,
    })),
    usage: UNKNOWN_USAGE,
  };
}

export function embeddingsFromPredictions(body: unknown, model: string): EmbeddingsResponse {
  const predictions = predictionsOf(body);
  const vectors = Array.isArray(predictions) && predictions.every(isNumber) ? [predictions] : predictions;
  if (
    !Array.isArray(vectors) ||
    vectors.length === 0 ||
    !vectors.every((vector) => Array.isArray(vector) && vector.length > 0 && vector.every(isNumber))
  ) {
    throw invalidUpstreamResponse("`predictions` is not a non-empty list of non-empty lists of numbers");
  }
  return { model, embeddings: vectors as number[][], usage: { ...UNKNOWN_USAGE, outputTokens: 0 } };
}

function predictionsOf(body: unknown): unknown {
  const root = requireRecord(body, "the response body");
  if (!("predictions" in root)) throw invalidUpstreamResponse("`predictions` is missing");
  return root.predictions;
}

function listInDict(dict: Record<string, unknown>): unknown {
  const keys = Object.keys(dict);
  if (keys.length === 1 && keys[0] !== undefined) return dict[keys[0]];
  return dict.candidates ?? dict.choices;
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
