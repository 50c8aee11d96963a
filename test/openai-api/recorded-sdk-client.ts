import OpenAI from "openai";
import { expect } from "vitest";
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
      const violations = await exchangeViolations(recording.exchanges);
      recording.exchanges.length = 0;
      expect(violations).toEqual([]);
    },
  };
}
