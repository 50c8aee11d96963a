import { createSpecValidator } from "../spec-validator.js";
import { anthropicError, anthropicMessage, anthropicStreamFrames } from "./anthropic-bodies.js";
import { echoChat, lastUserText, messageTexts, prefillText, textOf } from "./echo-rules.js";
import { arrayOf, isRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * Anthropic Messages API (https://docs.anthropic.com/en/api/messages). Auth needs a non-empty `x-api-key`
 * and an `anthropic-version` header naming a known version
 * (https://docs.anthropic.com/en/api/versioning). The real API answers a missing version with 400; the mock
 * answers 401, treating both headers as the credentials the gateway must send.
 */

const KNOWN_VERSIONS = new Set(["2023-06-01", "2023-01-01"]);

function isMessages(request: RecordedRequest): boolean {
  return request.method === "POST" && request.path === "/v1/messages";
}

function validate(request: RecordedRequest): string[] {
  if (!isMessages(request)) return [];
  return createSpecValidator("anthropic").validate("CreateMessageParams", request.body);
}

function authProblem(request: RecordedRequest): string | undefined {
  if ((request.headers["x-api-key"] ?? "") === "") return "x-api-key header is required";
  const version = request.headers["anthropic-version"];
  if (version === undefined || !KNOWN_VERSIONS.has(version)) {
    return `anthropic-version header must be one of ${[...KNOWN_VERSIONS].join(", ")}`;
  }
  return undefined;
}

function respond(request: RecordedRequest, violations: string[], sequence: number): ScriptedResponse {
  if (!isMessages(request)) return json(404, anthropicError("not_found_error", "Not Found"));
  const problem = authProblem(request);
  if (problem !== undefined) return json(401, anthropicError("authentication_error", problem));
  if (violations.length > 0) return json(400, anthropicError("invalid_request_error", violations.join("; ")));
  const body = isRecord(request.body) ? request.body : {};
  const messages = arrayOf(body.messages);
  const prefill = prefillText(messages);
  // https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/prefill-claudes-response
  if (prefill !== undefined && /\s$/.test(prefill)) {
    return json(
      400,
      anthropicError("invalid_request_error", "final assistant content cannot end with trailing whitespace"),
    );
  }
  const firstTool = arrayOf(body.tools)[0];
  const reply = echoChat({
    id: `msg_mock_${sequence}`,
    toolCallId: `toolu_mock_${sequence}`,
    model: typeof body.model === "string" ? body.model : "unknown",
    texts: [textOf(body.system), ...messageTexts(messages)],
    lastUserText: lastUserText(messages),
    firstToolName: isRecord(firstTool) && typeof firstTool.name === "string" ? firstTool.name : undefined,
    prefill,
  });
  if (body.stream === true)
    return { kind: "stream", frames: anthropicStreamFrames(reply), headers: REQUEST_ID };
  return json(200, anthropicMessage(reply));
}

const REQUEST_ID = { "request-id": "req_mock" };

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body, headers: REQUEST_ID };
}

/** Starts the Anthropic Messages mock on 127.0.0.1, on an ephemeral port. */
export function startAnthropicMock(): Promise<MockUpstream> {
  return startMockUpstream({ validate, respond });
}
