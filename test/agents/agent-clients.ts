import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { expect } from "vitest";
import {
  createRecordingFetch,
  type RawExchange,
  type RecordingOptions,
} from "../openai-api/recording-fetch.js";
import { agentExchangeViolations } from "./agent-spec-checks.js";

/** The official SDKs coding agents use, pointed at a gateway, with every exchange recorded and checkable. */
export interface AgentClients {
  /** `new Anthropic({baseURL: gateway})`, as Claude Code's ANTHROPIC_BASE_URL does. */
  anthropic: Anthropic;
  /** `new OpenAI({baseURL: gateway + "/v1"})`, for `responses.create` as Codex uses it. */
  openai: OpenAI;
  exchanges: RawExchange[];
  /** Fails unless every answer so far fits the provider's schema and stream rules; then forgets them. */
  expectSpecValid(): Promise<void>;
}

export function createAgentClients(
  gatewayUrl: string,
  options: RecordingOptions & { anthropicHeaders?: Record<string, string> } = {},
): AgentClients {
  const recording = createRecordingFetch(options);
  return {
    anthropic: new Anthropic({
      baseURL: gatewayUrl,
      apiKey: "unused",
      maxRetries: 0,
      fetch: recording.fetch,
      ...(options.anthropicHeaders === undefined ? {} : { defaultHeaders: options.anthropicHeaders }),
    }),
    openai: new OpenAI({
      baseURL: `${gatewayUrl}/v1`,
      apiKey: "unused",
      maxRetries: 0,
      fetch: recording.fetch,
    }),
    exchanges: recording.exchanges,
    expectSpecValid: async () => {
      const violations = await agentExchangeViolations(recording.exchanges);
      recording.exchanges.length = 0;
      expect(violations).toEqual([]);
    },
  };
}
