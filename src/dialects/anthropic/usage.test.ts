import { describe, expect, it } from "vitest";
import { decodeUsage } from "./usage.js";

describe("decodeUsage (Anthropic usage)", () => {
  it("reads the web searches the server tool ran and the service tier that served the request", () => {
    const usage = decodeUsage({
      input_tokens: 2000,
      output_tokens: 300,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      server_tool_use: { web_search_requests: 3, web_fetch_requests: 0 },
      service_tier: "priority",
    });
    expect(usage).toEqual({
      inputTokens: 2000,
      outputTokens: 300,
      totalTokens: 2300,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      webSearchRequests: 3,
      serviceTier: "priority",
    });
  });

  it("leaves both absent when the usage does not report them (or reports them null)", () => {
    const usage = decodeUsage({
      input_tokens: 5,
      output_tokens: 1,
      server_tool_use: null,
      service_tier: null,
    });
    expect(usage).toEqual({ inputTokens: 5, outputTokens: 1, totalTokens: 6 });
  });
});
