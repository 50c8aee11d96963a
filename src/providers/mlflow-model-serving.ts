import { z } from "zod";
import {
  encodeChatInvocation,
  encodeCompletionsInvocation,
  encodeEmbeddingsInvocation,
} from "../dialects/mlflow-serving/invocations-request.js";
import {
  chatFromPredictions,
  completionsFromPredictions,
  embeddingsFromPredictions,
} from "../dialects/mlflow-serving/invocations-response.js";
import { decodeErrorMessage, decodeUpstreamErrorBody } from "../dialects/openai/error-message.js";
import { joinPath, parseBaseUrl } from "./base-url.js";
import { httpUrlSchema } from "./http-url-schema.js";
import { defineProvider } from "./provider-definition.js";
import type { HttpUpstreamTarget, UpstreamCall } from "./upstream-target.js";

/**
 * An MLflow model server (`mlflow models serve`, or a Databricks-free deployment of one), as MLflow's gateway
 * provider of the same name calls it: `POST {model_server_url}/invocations`, no credentials. It does not
 * stream; a streaming request gets the whole answer replayed as a stream.
 */
const configSchema = z.object({ model_server_url: httpUrlSchema }).strict();

type ModelServingConfig = z.infer<typeof configSchema>;

export const mlflowModelServingProvider = defineProvider<ModelServingConfig>({
  name: "mlflow-model-serving",
  displayName: "MLflow Model Serving",
  operations: ["chat", "completions", "embeddings"],
  configSchema,
  secretFields: [],
  defaultModelName: "mlflow-model",
  createTarget: createModelServingTarget,
});

function createModelServingTarget(model: string, config: ModelServingConfig): HttpUpstreamTarget {
  const base = parseBaseUrl(config.model_server_url);
  const path = joinPath(base, "invocations");
  const headers = { "content-type": "application/json" };
  const call = (body: unknown): UpstreamCall => ({ path, headers, body: JSON.stringify(body) });
  return {
    transport: "http",
    providerName: "mlflow-model-serving",
    providerDisplayName: "MLflow Model Serving",
    model,
    origin: base.origin,
    // `{"error_code": "BAD_REQUEST", "message": ...}` (mlflow/pyfunc/scoring_server), read by the tolerant decoder.
    decodeErrorMessage,
    // Its `error_code` (BAD_REQUEST, ...) is what OpenAI clients get as the error's `code`.
    decodeErrorDetails: (body) => {
      const { code } = decodeUpstreamErrorBody(body);
      return code === undefined ? {} : { code };
    },
    operations: {
      chat: {
        encodeRequest: (request) => call(encodeChatInvocation(request)),
        decodeResponse: (body) => chatFromPredictions(body, model),
      },
      completions: {
        encodeRequest: (request) => call(encodeCompletionsInvocation(request)),
        decodeResponse: (body) => completionsFromPredictions(body, model),
      },
      embeddings: {
        encodeRequest: (request) => call(encodeEmbeddingsInvocation(request)),
        decodeResponse: (body) => embeddingsFromPredictions(body, model),
      },
    },
  };
}
