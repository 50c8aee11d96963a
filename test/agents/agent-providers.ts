import { API_PROVIDERS, type ApiProvider } from "../openai-api/api-providers.js";

/**
 * What each provider does with the agent APIs' reasoning, from its documented API and the mocks' echo rules
 * (test/mock-upstream/echo-rules.ts): whether a route backed by it can think at all, and, when it can, what the
 * client gets back and what the upstream must receive.
 */
export interface ReasoningCase {
  /** Thinking is refused with a 400 naming the feature: why the provider cannot. */
  unsupported?: string;
  /** The thinking block an Anthropic client gets for the first answer: its signature; none when the upstream's
   * API returns no reasoning text (OpenAI's chat API). */
  anthropicSignature?: string;
  /** The reasoning item's `encrypted_content` a Responses client gets (with include), when the provider returns
   * reasoning. */
  responsesToken?: string;
  /** Whether usage reports the reasoning tokens. */
  reportsReasoningTokens: boolean;
}

export const REASONING: Record<string, ReasoningCase> = {
  // Relayed for Anthropic clients: the mock's own signature; translated for Responses clients: the gateway's token.
  anthropic: {
    anthropicSignature: "sig_msg_mock_1",
    responsesToken: "switchyard:v1:anthropic:sig_msg_mock_1",
    reportsReasoningTokens: true,
  },
  // Cohere returns thinking text but no signature: the gateway's token names it.
  cohere: {
    anthropicSignature: "switchyard:v1:cohere:",
    responsesToken: "switchyard:v1:cohere:",
    reportsReasoningTokens: false,
  },
  // OpenAI's chat API reasons (reasoning_effort) without returning the reasoning; Responses clients are relayed.
  openai: { reportsReasoningTokens: true, responsesToken: "enc_resp_mock_1" },
  mock: { unsupported: "the built-in mock provider only echoes", reportsReasoningTokens: false },
};

/**
 * The providers the agent suites run over: those whose reasoning behaviour is written down above. The
 * OpenAI-compatible family (test/api/compatible/rows.ts) is not among them yet.
 */
export const AGENT_PROVIDERS: ApiProvider[] = API_PROVIDERS.filter(
  (provider) => REASONING[provider.label] !== undefined,
);

export function reasoningOf(provider: ApiProvider): ReasoningCase {
  const found = REASONING[provider.label];
  if (found === undefined) throw new Error(`no reasoning case for ${provider.label}`);
  return found;
}

/** The weather tool in Anthropic's shape. */
export const ANTHROPIC_WEATHER_TOOL = {
  name: "get_weather",
  description: "The current weather in a city.",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

/** The weather tool in the Responses API's shape. */
export const RESPONSES_WEATHER_TOOL = {
  type: "function" as const,
  name: "get_weather",
  description: "The current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};
