import {
  type ChatRequest,
  chatRequestFromCompletions,
  completionsResponseFromChat,
  type EmbeddingsRequest,
  mergeEmbeddingsResponses,
  splitEmbeddingsRequest,
} from "../canonical/index.js";
import { encodeConverseRequest } from "../dialects/bedrock-converse/converse-request.js";
import { decodeConverseResponse } from "../dialects/bedrock-converse/converse-response.js";
import { decodeErrorMessage } from "../dialects/bedrock-converse/error-message.js";
import {
  createConverseStreamDecoder,
  EVENT_STREAM_CONTENT_TYPE,
} from "../dialects/bedrock-converse/stream-decoder.js";
import {
  COHERE_EMBED_MAX_INPUTS,
  decodeCohereEmbedResponse,
  encodeCohereEmbedRequest,
} from "../dialects/bedrock-invoke/cohere-embeddings.js";
import { embeddingFamilyOf } from "../dialects/bedrock-invoke/embedding-family.js";
import {
  decodeTitanEmbedResponse,
  encodeTitanEmbedRequest,
} from "../dialects/bedrock-invoke/titan-embeddings.js";
import { createAwsCredentialProvider } from "./aws-credentials.js";
import { createSigV4Authorizer } from "./aws-sigv4.js";
import { type BedrockConfig, credentialSourceOf } from "./bedrock-config.js";
import type { HttpOperation, HttpUpstreamTarget, UpstreamCall, UpstreamHeaders } from "./upstream-target.js";

/**
 * Chat through Converse and ConverseStream (one API for every Bedrock model family), embeddings through
 * InvokeModel with the model's own body (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html).
 * The model id (a model, an inference profile, or an ARN with `/` and `:`) is one percent-encoded path segment.
 */
export function createBedrockTarget(model: string, config: BedrockConfig): HttpUpstreamTarget {
  const region = config.aws_config.aws_region ?? "";
  const origin = new URL(config.bedrock_api_base ?? `https://bedrock-runtime.${region}.amazonaws.com`).origin;
  const modelPath = `/model/${encodeURIComponent(model)}`;
  const paths = {
    converse: `${modelPath}/converse`,
    stream: `${modelPath}/converse-stream`,
    invoke: `${modelPath}/invoke`,
  };
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (config.bedrock_api_key !== undefined) headers.authorization = `Bearer ${config.bedrock_api_key}`;
  const authorize =
    config.bedrock_api_key === undefined
      ? createSigV4Authorizer(
          origin,
          region,
          "bedrock",
          createAwsCredentialProvider(credentialSourceOf(config)),
        )
      : undefined;

  const converse = (request: ChatRequest): UpstreamCall => ({
    path: request.stream === true ? paths.stream : paths.converse,
    headers,
    body: JSON.stringify(encodeConverseRequest(request, model)),
  });
  const byteStream = {
    contentType: EVENT_STREAM_CONTENT_TYPE,
    createDecoder: () => createConverseStreamDecoder(model),
  };
  return {
    transport: "http",
    providerName: "bedrock",
    providerDisplayName: "Amazon Bedrock",
    model,
    origin,
    // Each model family's own reasoning parameter, or none (reasoning is then dropped: reasoning.ts).
    features: ["reasoning"],
    decodeErrorMessage,
    ...(authorize !== undefined && { authorize: (call: UpstreamCall) => authorize(call) }),
    operations: {
      chat: {
        encodeRequest: converse,
        decodeResponse: (body, _request, responseHeaders) =>
          decodeConverseResponse(body, model, headerValue(responseHeaders, "x-amzn-requestid")),
        byteStream,
      },
      completions: {
        encodeRequest: (request) => converse(chatRequestFromCompletions(request, "Amazon Bedrock")),
        decodeResponse: (body, _request, responseHeaders) =>
          completionsResponseFromChat(
            decodeConverseResponse(body, model, headerValue(responseHeaders, "x-amzn-requestid")),
          ),
        byteStream,
      },
      embeddings: createEmbeddingsOperation(model, paths.invoke, headers),
    },
  };
}

function createEmbeddingsOperation(
  model: string,
  path: string,
  headers: Record<string, string>,
): HttpOperation<"embeddings"> {
  const titan = embeddingFamilyOf(model) === "titan";
  const encode = (request: EmbeddingsRequest) =>
    titan ? encodeTitanEmbedRequest(request) : encodeCohereEmbedRequest(request);
  return {
    encodeRequest: (request) => ({ path, headers, body: JSON.stringify(encode(request)) }),
    decodeResponse: (body, _request, responseHeaders) =>
      titan
        ? decodeTitanEmbedResponse(body, model)
        : decodeCohereEmbedResponse(body, model, inputTokenCount(responseHeaders)),
    fanOut: {
      split: (request) => splitEmbeddingsRequest(request, titan ? 1 : COHERE_EMBED_MAX_INPUTS),
      merge: mergeEmbeddingsResponses,
    },
  };
}

function headerValue(headers: UpstreamHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** InvokeModel reports the prompt's token count in a header (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html). */
function inputTokenCount(headers: UpstreamHeaders | undefined): number | null {
  const value = headerValue(headers, "x-amzn-bedrock-input-token-count");
  const count = Number(value);
  return value === undefined || !Number.isFinite(count) ? null : count;
}
