import { describe, expect, it } from "vitest";
import { createRequestAdapter, nineAlphanumeric, type RequestQuirks } from "./compatible-request.js";

const adapt = (quirks: RequestQuirks, body: Record<string, unknown>, model: string | null = "m") =>
  createRequestAdapter(quirks, "Provider", model)(body);

const MESSAGES = [{ role: "user", content: "Hi" }];

describe("createRequestAdapter", () => {
  it.each<[string, RequestQuirks, Record<string, unknown>, Record<string, unknown>]>([
    ["sets the route's model in place of the route name", {}, { model: "route", n: 2 }, { model: "m", n: 2 }],
    [
      "removes fields sent as null (options left unset)",
      {},
      { model: "r", user: null, seed: 3 },
      { model: "m", seed: 3 },
    ],
    ["renames fields", { rename: { seed: "random_seed" } }, { seed: 3 }, { model: "m", random_seed: 3 }],
    [
      "drops declared fields",
      { drop: ["user", "store"] },
      { user: "u", store: true, n: 1 },
      { model: "m", n: 1 },
    ],
    [
      "scales the temperature onto the provider's range",
      { temperatureScale: 0.75 },
      { temperature: 2 },
      { model: "m", temperature: 1.5 },
    ],
    [
      "sends one stop sequence as a list",
      { stopAsList: true },
      { stop: "END" },
      { model: "m", stop: ["END"] },
    ],
    ["removes n: 1 where one candidate is all there is", { maxCandidates: 1 }, { n: 1 }, { model: "m" }],
    [
      "unwraps a prompt list of one for string-only servers",
      { promptShape: "string" },
      { prompt: ["p"] },
      { model: "m", prompt: "p" },
    ],
    [
      "wraps a prompt string for list-only servers",
      { promptShape: "list" },
      { prompt: "p" },
      { model: "m", prompt: ["p"] },
    ],
    [
      "renames message roles",
      { roles: { developer: "system" } },
      { messages: [{ role: "developer", content: "Be brief" }, ...MESSAGES] },
      { model: "m", messages: [{ role: "system", content: "Be brief" }, ...MESSAGES] },
    ],
    [
      "removes refused message fields",
      { dropMessageFields: ["name"] },
      { messages: [{ role: "user", content: "Hi", name: "ann" }] },
      { model: "m", messages: MESSAGES },
    ],
    [
      "rewrites OpenAI's JSON mode as TGI's grammar",
      { responseFormat: "tgi-grammar" },
      { response_format: { type: "json_object" } },
      { model: "m", response_format: { type: "json", value: { type: "object" } } },
    ],
    [
      "rewrites a JSON schema as TGI's grammar",
      { responseFormat: "tgi-grammar" },
      { response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "string" } } } },
      {
        model: "m",
        response_format: { type: "json_schema", value: { name: "x", schema: { type: "string" } } },
      },
    ],
    [
      "leaves plain text out of TGI's grammar",
      { responseFormat: "tgi-grammar" },
      { response_format: { type: "text" } },
      { model: "m" },
    ],
    [
      "names a tool's schema as the provider does",
      { toolParametersAs: "arguments" },
      { tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] },
      { model: "m", tools: [{ type: "function", function: { name: "f", arguments: { type: "object" } } }] },
    ],
    [
      "numbers an assistant's tool calls",
      { indexToolCalls: true },
      { messages: [{ role: "assistant", content: null, tool_calls: [{ id: "a" }, { id: "b" }] }] },
      {
        model: "m",
        messages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "a", index: 0 },
              { id: "b", index: 1 },
            ],
          },
        ],
      },
    ],
    ["leaves the model out when the provider names it elsewhere", {}, { model: "r", n: 1 }, { n: 1 }],
  ])("%s", (_name, quirks, body, expected) => {
    expect(adapt(quirks, body, expected.model === undefined ? null : "m")).toEqual(expected);
  });

  it("does not change the client's body (pass-through bodies are shared with later attempts)", () => {
    const body = { model: "r", seed: 1, messages: [{ role: "developer", content: "x" }] };
    const copy = structuredClone(body);
    adapt({ rename: { seed: "random_seed" }, roles: { developer: "system" } }, body);
    expect(body).toEqual(copy);
  });

  it.each<[string, RequestQuirks, Record<string, unknown>, string, string]>([
    [
      "a refused field",
      { refuse: { logprobs: "returns no log probabilities" } },
      { logprobs: true },
      "logprobs",
      "'logprobs' is not supported: Provider returns no log probabilities.",
    ],
    [
      "a field outside a strict allow-list",
      { allow: ["messages", "temperature"] },
      { messages: MESSAGES, top_k: 3 },
      "top_k",
      "'top_k' is not a parameter Provider accepts (it refuses unknown fields). Accepted: messages, temperature.",
    ],
    [
      "more candidates than the provider returns",
      { maxCandidates: 1 },
      { n: 2 },
      "n",
      "Provider returns one candidate per request; the request must ask for a single candidate (got 2).",
    ],
    [
      "too many tokens without streaming",
      { maxTokensWithoutStream: 4096 },
      { max_tokens: 5000 },
      "max_tokens",
      "'max_tokens' is not supported: Provider answers more than 4096 tokens only to streamed requests; lower it, or set 'stream': true.",
    ],
  ])("refuses %s with a 400-class error naming the field", (_name, quirks, body, param, message) => {
    expect(() => adapt(quirks, body)).toThrow(
      expect.objectContaining({ code: "parameter_unsupported", param, message }),
    );
  });

  it("allows too many tokens when streaming", () => {
    expect(adapt({ maxTokensWithoutStream: 4096 }, { max_tokens: 5000, stream: true })).toMatchObject({
      max_tokens: 5000,
    });
  });

  it("checks a renamed field against the allow-list under its new name", () => {
    expect(adapt({ rename: { seed: "random_seed" }, allow: ["random_seed"] }, { seed: 1 })).toEqual({
      model: "m",
      random_seed: 1,
    });
  });

  describe("nine-alphanumeric tool-call ids (Mistral)", () => {
    const quirks: RequestQuirks = { toolCallIds: "nine-alphanumeric" };
    const history = {
      messages: [
        ...MESSAGES,
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_abc123", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_abc123", content: "ok" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "Ab3456789", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "Ab3456789", content: "ok" },
      ],
    };

    it("rewrites other ids the same way in the call and in the result that answers it", () => {
      const { messages } = adapt(quirks, history) as { messages: Record<string, unknown>[] };
      const calls = (messages[1]?.tool_calls ?? []) as { id: string }[];
      const callId = calls[0]?.id;
      expect(callId).toMatch(/^[a-zA-Z0-9]{9}$/);
      expect(messages[2]?.tool_call_id).toBe(callId);
      expect(callId).toBe(nineAlphanumeric("call_abc123"));
    });

    it("keeps ids that already have the provider's form", () => {
      const { messages } = adapt(quirks, history) as { messages: Record<string, unknown>[] };
      expect(messages[4]?.tool_call_id).toBe("Ab3456789");
    });

    it("gives different ids different rewrites", () => {
      expect(nineAlphanumeric("call_1")).not.toBe(nineAlphanumeric("call_2"));
    });
  });
});
