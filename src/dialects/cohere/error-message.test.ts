import { describe, expect, it } from "vitest";
import { decodeErrorMessage } from "./error-message.js";

const CASES: { name: string; body: unknown; expected: string | undefined }[] = [
  {
    name: "reads the message of a body with an id",
    body: { id: "5b4a", message: "invalid request: model 'nope' not found" },
    expected: "invalid request: model 'nope' not found",
  },
  {
    name: "reads a body that has only a message",
    body: { message: "invalid api token" },
    expected: "invalid api token",
  },
  { name: "finds no message in an empty one", body: { message: "  " }, expected: undefined },
  { name: "finds no message in a body without one", body: { id: "5b4a" }, expected: undefined },
  { name: "finds no message in a body that is not an object", body: "Bad Gateway", expected: undefined },
  { name: "finds no message in a null body", body: null, expected: undefined },
];

describe("decodeErrorMessage", () => {
  it.each(CASES)("$name", ({ body, expected }) => {
    expect(decodeErrorMessage(body)).toBe(expected);
  });
});
