import { ai21Provider } from "./ai21labs.js";
import { anthropicProvider } from "./anthropic.js";
import { bedrockProvider } from "./bedrock.js";
import { cohereProvider } from "./cohere.js";
import { databricksProvider } from "./databricks.js";
import { deepseekProvider } from "./deepseek.js";
import { fireworksProvider } from "./fireworks.js";
import { geminiProvider } from "./gemini.js";
import { groqProvider } from "./groq.js";
import { tgiProvider } from "./huggingface-tgi.js";
import { llamacppProvider } from "./llamacpp.js";
import { lmstudioProvider } from "./lmstudio.js";
import { mistralProvider } from "./mistral.js";
import { mlflowModelServingProvider } from "./mlflow-model-serving.js";
import { mockProvider } from "./mock.js";
import { ollamaProvider } from "./ollama.js";
import { openaiProvider } from "./openai.js";
import { openaiCompatibleServerProvider } from "./openai-compatible-server.js";
import { openrouterProvider } from "./openrouter.js";
import type { ProviderDefinition } from "./provider-definition.js";
import { togetherProvider } from "./togetherai.js";
import { vertexProvider } from "./vertex.js";
import { vllmProvider } from "./vllm.js";
import { xaiProvider } from "./xai.js";

/** The only list of providers. Adding one is a new file beside this one and a line here (one per line). */
export const PROVIDERS: readonly ProviderDefinition[] = [
  openaiProvider,
  anthropicProvider,
  cohereProvider,
  geminiProvider,
  vertexProvider,
  bedrockProvider,
  mistralProvider,
  groqProvider,
  togetherProvider,
  fireworksProvider,
  deepseekProvider,
  xaiProvider,
  openrouterProvider,
  ai21Provider,
  databricksProvider,
  vllmProvider,
  ollamaProvider,
  lmstudioProvider,
  llamacppProvider,
  tgiProvider,
  openaiCompatibleServerProvider,
  mlflowModelServingProvider,
  mockProvider,
];

/** Provider names match case-insensitively, with `-` and `_` interchangeable (as in MLflow). */
function normaliseProviderName(name: string): string {
  return name.trim().toLowerCase().replaceAll("_", "-");
}

const BY_NAME = new Map<string, ProviderDefinition>();
for (const provider of PROVIDERS) {
  for (const name of [provider.name, ...(provider.aliases ?? [])])
    BY_NAME.set(normaliseProviderName(name), provider);
}

export function findProvider(name: string): ProviderDefinition | undefined {
  return BY_NAME.get(normaliseProviderName(name));
}

export function providerNames(): string[] {
  return PROVIDERS.map((provider) => provider.name);
}
