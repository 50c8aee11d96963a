import OpenAI from "openai";
import { expect } from "vitest";
import { API_PROVIDERS } from "./api-providers.js";
import { exchangeViolations } from "./openai-spec-checks.js";
import { createRecordingFetch, type RawExchange, type RecordingOptions } from "./recording-fetch.js";

/** The official SDK pointed at a gateway, with every exchange recorded for checking against the spec. */
export interface RecordedSdkClient {
  client: OpenAI;
  exchanges: RawExchange[];
  /** Fails unless every response and stream chunk so far fits OpenAI's spec; then forgets them. */
  expectSpecValid(): Promise<void>;
}

/** `new OpenAI({baseURL: gateway + "/v1"})` as a user would write it: no retries, so each call is one request. */
export function createRecordedSdkClient(
  gatewayUrl: string,
  options: RecordingOptions = {},
): RecordedSdkClient {
  const recording = createRecordingFetch(options);
  const client = new OpenAI({
    baseURL: `${gatewayUrl}/v1`,
    apiKey: "unused",
    maxRetries: 0,
    fetch: recording.fetch,
  });
  return {
    client,
    exchanges: recording.exchanges,
    expectSpecValid: async () => {
      const violations = await exchangeViolations(recording.exchanges, relayedDifferences);
      recording.exchanges.length = 0;
      expect(violations).toEqual([]);
    },
  };
}

/**
 * What a relayed provider's answers are known to lack or add against OpenAI's schema, by route (`<label>-<kind>`,
 * as the suites name routes): the gateway relays them as they are, so the check sets exactly these aside.
 */
function relayedDifferences(route: string): readonly RegExp[] {
  const provider = API_PROVIDERS.find((candidate) => route.startsWith(`${candidate.label}-`));
  return provider?.relayedDifferences?.map((difference) => difference.pattern) ?? [];
}
