import { describe, expect, it } from "vitest";
import { GatewayError } from "../canonical/index.js";
import { GovernedCall } from "../governance/governed-call.js";
import { attributeRequest, parseTags } from "./request-attribution.js";

function callOf(api: string, headers: Record<string, string>, body: Record<string, unknown> = {}) {
  const call = new GovernedCall({
    api,
    principal: undefined,
    streaming: false,
    bodyBytes: () => 0,
    requestedModel: () => undefined,
    maxOutputTokens: () => undefined,
  });
  attributeRequest(call, api, headers, body);
  return call;
}

function refusal(attempt: () => unknown): GatewayError | undefined {
  try {
    attempt();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  return undefined;
}

describe("parseTags", () => {
  it.each([
    ["a", ["a"]],
    [" team:search , env=prod,,app/v2 ,", ["team:search", "env=prod", "app/v2"]],
    ["x.y_z-1", ["x.y_z-1"]],
    [" , ,", []],
    [
      Array.from({ length: 16 }, (_, index) => `t${index}`).join(","),
      Array.from({ length: 16 }, (_, i) => `t${i}`),
    ],
    ["t".repeat(64), ["t".repeat(64)]],
  ])("reads %j as %j", (header, tags) => {
    expect(parseTags(header)).toEqual(tags);
  });

  it.each([
    ["a b"],
    ["ok,é"],
    ['say"hi"'],
    ["t".repeat(65)],
    [Array.from({ length: 17 }, (_, index) => `t${index}`).join(",")],
  ])("refuses %j with a 400 naming the header", (header) => {
    const error = refusal(() => parseTags(header));
    expect(error?.status).toBe(400);
    expect(error?.param).toBe("x-switchyard-tags");
  });
});

describe("attributeRequest", () => {
  it("takes the end user from the header over the body, and from each API's own field", () => {
    expect(callOf("openai", { "x-switchyard-end-user": "h" }, { user: "b" }).endUser).toBe("h");
    expect(callOf("openai", {}, { user: "b", safety_identifier: "s" }).endUser).toBe("b");
    expect(callOf("responses", {}, { safety_identifier: "s" }).endUser).toBe("s");
    expect(callOf("anthropic", {}, { metadata: { user_id: "m" } }).endUser).toBe("m");
    // An empty header counts as absent; MLflow's bodies name no end user.
    expect(callOf("openai", { "x-switchyard-end-user": "" }, { user: "b" }).endUser).toBe("b");
    expect(callOf("mlflow", {}, { user: "b" }).endUser).toBeNull();
    expect(callOf("openai", {}, { user: 42 }).endUser).toBeNull();
  });

  it("accepts an end user of 256 characters and refuses one of 257, from the header or the body", () => {
    expect(callOf("openai", { "x-switchyard-end-user": "u".repeat(256) }).endUser).toHaveLength(256);
    const header = refusal(() => callOf("openai", { "x-switchyard-end-user": "u".repeat(257) }));
    expect([header?.status, header?.param]).toEqual([400, "x-switchyard-end-user"]);
    const body = refusal(() => callOf("anthropic", {}, { metadata: { user_id: "u".repeat(257) } }));
    expect([body?.code, body?.param]).toEqual(["invalid_body", "metadata.user_id"]);
  });

  it("shares one empty tag list between requests without tags", () => {
    expect(callOf("openai", {}).tags).toBe(callOf("mlflow", {}).tags);
    expect(callOf("openai", { "x-switchyard-tags": "," }).tags).toBe(callOf("openai", {}).tags);
  });
});
