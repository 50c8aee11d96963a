import { describe, expect, it } from "vitest";
import { decodeReasoningToken, encodeReasoningToken, isForeignReasoningToken } from "./reasoning-token.js";

describe("reasoning tokens", () => {
  it("hands a client its own dialect's token as it is", () => {
    expect(encodeReasoningToken({ text: "", signature: "EqQB", origin: "anthropic" }, "anthropic")).toBe(
      "EqQB",
    );
    expect(encodeReasoningToken({ text: "", redacted: "opaque", origin: "anthropic" }, "anthropic")).toBe(
      "opaque",
    );
    expect(decodeReasoningToken("EqQB", "anthropic")).toEqual({ origin: "anthropic", signature: "EqQB" });
  });

  it("wraps another family's token in the gateway's, naming the family, and unwraps it", () => {
    const token = encodeReasoningToken(
      { text: "", signature: "sig:with:colons", origin: "anthropic" },
      "openai",
    );
    expect(token).toBe("switchyard:v1:anthropic:sig:with:colons");
    expect(isForeignReasoningToken(token)).toBe(true);
    expect(decodeReasoningToken(token, "openai")).toEqual({
      origin: "anthropic",
      signature: "sig:with:colons",
    });
  });

  it("carries reasoning without a token (Cohere's) as the family alone", () => {
    const token = encodeReasoningToken({ text: "thought", origin: "cohere" }, "anthropic");
    expect(token).toBe("switchyard:v1:cohere:");
    expect(decodeReasoningToken(token, "anthropic")).toEqual({ origin: "cohere" });
    expect(isForeignReasoningToken("EqQB")).toBe(false);
  });
});
