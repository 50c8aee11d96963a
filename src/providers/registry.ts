import { anthropicProvider } from "./anthropic.js";
import { bedrockProvider } from "./bedrock.js";
import { cohereProvider } from "./cohere.js";
import { geminiProvider } from "./gemini.js";
import { mockProvider } from "./mock.js";
import { openaiProvider } from "./openai.js";
import type { ProviderDefinition } from "./provider-definition.js";
import { vertexProvider } from "./vertex.js";

/** The only list of providers. Adding one is a new file beside this one and a line here. */
export const PROVIDERS: readonly ProviderDefinition[] = [
  openaiProvider,
  anthropicProvider,
  cohereProvider,
  geminiProvider,
  vertexProvider,
  bedrockProvider,
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
