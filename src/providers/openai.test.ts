import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../canonical/index.js";
import { openaiProvider } from "./openai.js";

const CHAT: ChatRequest = { messages: [{ role: "user", content: "Hi" }], extra: {} };

function chatHeaders(config: Record<string, unknown>): Record<string, string> {
  const target = openaiProvider.createTarget("llama3", openaiProvider.configSchema.parse(config));
  if (target.transport !== "http") throw new Error("expected an HTTP target");
  return target.operations.chat?.encodeRequest(CHAT).headers ?? {};
}

function problems(config: Record<string, unknown>): string[] {
  const parsed = openaiProvider.configSchema.safeParse(config);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("openai provider keys", () => {
  it("sends the key as a bearer token", () => {
    expect(chatHeaders({ openai_api_key: "sk-test-123" }).authorization).toBe("Bearer sk-test-123");
  });

  it("needs no key for a server of your own at openai_api_base, and sends no Authorization header to it", () => {
    const headers = chatHeaders({ openai_api_base: "http://127.0.0.1:11434/v1" });
    expect(headers).not.toHaveProperty("authorization");
    expect(headers["content-type"]).toBe("application/json");
  });

  it("still requires the key for api.openai.com and for Azure, saying when it may be left out", () => {
    expect(problems({})).toEqual([
      "openai_api_key: is required for api.openai.com; leave it out only with openai_api_base pointing at a server that needs no key",
    ]);
    expect(
      problems({
        openai_api_type: "azure",
        openai_api_base: "https://example.openai.azure.com",
        openai_deployment_name: "gpt",
        openai_api_version: "2024-06-01",
      }),
    ).toEqual(["openai_api_key: is required when openai_api_type is 'azure'"]);
  });
});
