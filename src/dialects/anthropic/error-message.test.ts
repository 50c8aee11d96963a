import { describe, expect, it } from "vitest";
import { decodeErrorMessage } from "./error-message.js";

describe("decodeErrorMessage", () => {
  it.each<[string, unknown, string | undefined]>([
    [
      "reads the message of an Anthropic error body",
      { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } },
      "max_tokens: Field required",
    ],
    [
      "reads the message of an overloaded error",
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      "Overloaded",
    ],
    ["reads a proxy's string error", { error: "upstream connect error" }, "upstream connect error"],
    ["reads a top-level message", { message: "Internal server error" }, "Internal server error"],
    ["has none when the error has no message", { type: "error", error: { type: "api_error" } }, undefined],
    ["has none for a body that is not an object", "Bad Gateway", undefined],
  ])("%s", (_, body, expected) => {
    expect(decodeErrorMessage(body)).toBe(expected);
  });
});
