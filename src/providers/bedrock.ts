import type { Operation } from "../canonical/index.js";
import { embeddingFamilyOf } from "../dialects/bedrock-invoke/embedding-family.js";
import {
  BEDROCK_SECRET_FIELDS,
  type BedrockConfig,
  bedrockConfigSchema,
  fillRegionFromEnvironment,
} from "./bedrock-config.js";
import { defineProvider } from "./provider-definition.js";
import type { UpstreamTarget } from "./upstream-target.js";

export const bedrockProvider = defineProvider<BedrockConfig, Promise<UpstreamTarget>>({
  name: "bedrock",
  aliases: ["amazon-bedrock"],
  displayName: "Amazon Bedrock",
  operations: ["chat", "completions", "embeddings"],
  configSchema: bedrockConfigSchema,
  secretFields: BEDROCK_SECRET_FIELDS,
  modelProblem: bedrockModelProblem,
  fillFromEnvironment: fillRegionFromEnvironment,
  // The codecs, the event-stream decoder and the AWS SDK's pieces load only in a worker with a Bedrock route.
  createTarget: async (model, config) =>
    (await import("./bedrock-target.js")).createBedrockTarget(model, config),
});

/** Embeddings need a Titan or Cohere embedding model; those models cannot chat. */
function bedrockModelProblem(model: string, operation: Operation): string | undefined {
  const family = embeddingFamilyOf(model);
  if (operation === "embeddings" && family === undefined) {
    return `'${model}' is not a Bedrock embedding model; llm/v1/embeddings routes need an amazon.titan-embed-* or cohere.embed-* model`;
  }
  if (operation !== "embeddings" && family !== undefined) {
    return `'${model}' is an embedding model; it can only serve llm/v1/embeddings routes`;
  }
  return undefined;
}
