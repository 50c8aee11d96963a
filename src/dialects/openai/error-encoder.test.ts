import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { type ErrorCode, GatewayError, type GatewayErrorDetails } from "../../canonical/index.js";
import { encodeOpenAIError } from "./error-encoder.js";

const spec = createSpecValidator("openai");

describe("encodeOpenAIError", () => {
  it.each<[ErrorCode, GatewayErrorDetails, string, string, string | null]>([
    [
      "invalid_body",
      { param: "messages.0.content" },
      "invalid_request_error",
      "invalid_body",
      "messages[0].content",
    ],
    ["invalid_json", {}, "invalid_request_error", "invalid_json", null],
    ["route_type_mismatch", { param: "model" }, "invalid_request_error", "route_type_mismatch", "model"],
    ["body_too_large", {}, "invalid_request_error", "body_too_large", null],
    ["unsupported_content_type", {}, "invalid_request_error", "unsupported_content_type", null],
    ["route_not_found", { param: "model" }, "invalid_request_error", "model_not_found", "model"],
    ["rate_limited", { retryAfterSeconds: 3 }, "requests", "rate_limit_exceeded", null],
    ["upstream_http_error", { upstreamStatus: 401 }, "invalid_request_error", "upstream_http_error", null],
    ["upstream_http_error", { upstreamStatus: 429 }, "requests", "rate_limit_exceeded", null],
    ["upstream_http_error", { upstreamStatus: 500 }, "server_error", "upstream_http_error", null],
    ["upstream_invalid_response", {}, "server_error", "upstream_invalid_response", null],
    ["upstream_unreachable", {}, "server_error", "upstream_unreachable", null],
    ["overloaded", {}, "server_error", "overloaded", null],
    ["upstream_timeout", {}, "server_error", "upstream_timeout", null],
    ["internal_error", {}, "server_error", "internal_error", null],
    ["not_implemented", {}, "server_error", "not_implemented", null],
  ])("encodes %s %j with type %s and code %s", (code, details, type, wireCode, param) => {
    const encoded = encodeOpenAIError(new GatewayError(code, "Something went wrong.", details));
    expect(spec.validate("ErrorResponse", encoded)).toEqual([]);
    expect(encoded).toEqual({ error: { message: "Something went wrong.", type, param, code: wireCode } });
  });

  it("names nested params in OpenAI's notation", () => {
    const error = new GatewayError("invalid_body", "x", { param: "tools.0.function.name" });
    expect(encodeOpenAIError(error).error.param).toBe("tools[0].function.name");
  });
});
