import { describe, expect, it } from "vitest";
import { decodeUpstreamErrorBody } from "./error-message.js";

describe("decodeUpstreamErrorBody", () => {
  it.each<[string, unknown, ReturnType<typeof decodeUpstreamErrorBody>]>([
    [
      "OpenAI's envelope",
      {
        error: {
          message: "Too long",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      },
      {
        message: "Too long",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    ],
    [
      "vLLM's, whose code is the HTTP status",
      { error: { message: "Bad", type: "BadRequestError", param: null, code: 400 } },
      { message: "Bad", type: "BadRequestError", code: "400" },
    ],
    [
      "OpenRouter's integer code",
      { error: { code: 402, message: "No credits", metadata: {} } },
      { message: "No credits", code: "402" },
    ],
    [
      "Mistral's top-level envelope",
      { object: "error", message: "Nope", type: "invalid_request_message", param: null, code: "3051" },
      { message: "Nope", type: "invalid_request_message", code: "3051" },
    ],
    [
      "Mistral's 422, whose message is FastAPI's validation detail",
      {
        object: "error",
        message: {
          detail: [{ type: "extra_forbidden", loc: ["body", "foo"], msg: "Extra inputs are not permitted" }],
        },
        type: "invalid_request_error",
        code: null,
      },
      { message: "foo: Extra inputs are not permitted", type: "invalid_request_error" },
    ],
    [
      "TGI's",
      { error: "Input validation error", error_type: "validation" },
      { message: "Input validation error", type: "validation" },
    ],
    ["Ollama's plain string", { error: "model 'x' not found" }, { message: "model 'x' not found" }],
    [
      "xAI's",
      { code: "Client specified an invalid argument", error: "No such model" },
      { message: "No such model", code: "Client specified an invalid argument" },
    ],
    [
      "Fireworks' gateway fault",
      { fault: { faultstring: "Rate limit", detail: { errorcode: "policies.ratelimit" } } },
      { message: "Rate limit", code: "policies.ratelimit" },
    ],
    ["FastAPI's detail string", { detail: "Not authenticated" }, { message: "Not authenticated" }],
    [
      "MLflow model serving's",
      { error_code: "BAD_REQUEST", message: "Bad input" },
      { message: "Bad input", code: "BAD_REQUEST" },
    ],
    [
      "Gemini's OpenAI endpoint's one-element array",
      [{ error: { code: 400, message: "Unknown name", status: "INVALID_ARGUMENT" } }],
      { message: "Unknown name", type: "INVALID_ARGUMENT", code: "400" },
    ],
    ["a body with nothing to say", { id: "x" }, {}],
    ["not an object", "oops", {}],
  ])("reads %s", (_name, body, expected) => {
    expect(decodeUpstreamErrorBody(body)).toEqual(expected);
  });
});
