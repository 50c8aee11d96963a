import { createSpecValidator } from "../spec-validator.js";
import { anthropicError, anthropicMessage, anthropicStreamFrames } from "./anthropic-bodies.js";
import { countWords, echoChat, lastUserText, messageTexts, prefillText, textOf } from "./echo-rules.js";
import { arrayOf, isRecord, type JsonRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * Anthropic Messages API (https://docs.anthropic.com/en/api/messages) and token counting
 * (https://docs.anthropic.com/en/api/messages-count-tokens). Auth needs a non-empty `x-api-key` and an
 * `anthropic-version` header naming a known version (https://docs.anthropic.com/en/api/versioning; 2026-10-21 is
 * what `@anthropic-ai/sdk` 1.17.0 sends). The real API answers a missing version with 400; the mock answers 401,
 * treating both headers as the credentials the gateway must send.
 *
 * Beyond the echo rules, it behaves as the API does where the gateway could get it wrong:
 * - thinking blocks passed back must carry a signature it made ("sig_" + a message id of this mock), and with
 *   thinking enabled, an assistant turn that ends in tool use must start with its thinking
 *   (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks);
 * - prompt caching: the prompt up to each `cache_control` marker (system blocks, then message blocks) is a
 *   cached prefix; a request reads the longest prefix cached before (cache_read_input_tokens) and writes the rest
 *   up to its last marker (cache_creation_input_tokens), as the API does
 *   (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#how-prompt-caching-works).
 */

const KNOWN_VERSIONS = new Set(["2023-06-01", "2023-01-01", "2026-10-21"]);
const SIGNATURE = /^sig_msg_mock_\d+$/;

type Operation = "messages" | "count_tokens";

function operationOf(request: RecordedRequest): Operation | undefined {
  if (request.method !== "POST") return undefined;
  if (request.path === "/v1/messages") return "messages";
  return request.path === "/v1/messages/count_tokens" ? "count_tokens" : undefined;
}

function validate(request: RecordedRequest): string[] {
  const operation = operationOf(request);
  if (operation === undefined) return [];
  const schema = operation === "messages" ? "CreateMessageParams" : "CountMessageTokensParams";
  return createSpecValidator("anthropic").validate(schema, request.body);
}

function authProblem(request: RecordedRequest): string | undefined {
  if ((request.headers["x-api-key"] ?? "") === "") return "x-api-key header is required";
  const version = request.headers["anthropic-version"];
  if (version === undefined || !KNOWN_VERSIONS.has(version)) {
    return `anthropic-version header must be one of ${[...KNOWN_VERSIONS].join(", ")}`;
  }
  return undefined;
}

function createBehaviour() {
  /** Prompt prefixes written to the cache since the last reset. */
  const cached = new Set<string>();

  const respond = (request: RecordedRequest, violations: string[], sequence: number): ScriptedResponse => {
    const operation = operationOf(request);
    if (operation === undefined) return json(404, anthropicError("not_found_error", "Not Found"));
    const problem = authProblem(request);
    if (problem !== undefined) return json(401, anthropicError("authentication_error", problem));
    if (violations.length > 0)
      return json(400, anthropicError("invalid_request_error", violations.join("; ")));
    const body = isRecord(request.body) ? request.body : {};
    const messages = arrayOf(body.messages);
    const texts = [textOf(body.system), ...messageTexts(messages)];
    if (operation === "count_tokens")
      return json(200, { input_tokens: texts.reduce((sum, text) => sum + countWords(text), 0) });
    const prefill = prefillText(messages);
    // https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/prefill-claudes-response
    if (prefill !== undefined && /\s$/.test(prefill)) {
      return json(
        400,
        anthropicError(
          "invalid_request_error",
          "final assistant content cannot end with trailing whitespace",
        ),
      );
    }
    const thinkingProblem = checkThinking(body, messages);
    if (thinkingProblem !== undefined)
      return json(400, anthropicError("invalid_request_error", thinkingProblem));
    const firstTool = arrayOf(body.tools)[0];
    const reply = echoChat({
      id: `msg_mock_${sequence}`,
      toolCallId: `toolu_mock_${sequence}`,
      model: typeof body.model === "string" ? body.model : "unknown",
      texts,
      lastUserText: lastUserText(messages),
      firstToolName: isRecord(firstTool) && typeof firstTool.name === "string" ? firstTool.name : undefined,
      reasoning: isRecord(body.thinking) && body.thinking.type !== "disabled",
      prefill,
    });
    const prefixes = cachedPrefixes(body);
    const last = prefixes.at(-1);
    if (last !== undefined) {
      const read = prefixes.filter((prefix) => cached.has(prefix.key)).at(-1)?.words ?? 0;
      reply.cacheReadTokens = read;
      reply.cacheWriteTokens = last.words - read;
      for (const prefix of prefixes) cached.add(prefix.key);
    }
    if (body.stream === true)
      return { kind: "stream", frames: anthropicStreamFrames(reply), headers: REQUEST_ID };
    return json(200, anthropicMessage(reply));
  };
  return { validate, respond, reset: () => cached.clear() };
}

/** What the API refuses about thinking blocks in the history; undefined when they are fine. */
function checkThinking(body: JsonRecord, messages: unknown[]): string | undefined {
  for (const [position, message] of messages.entries()) {
    if (!isRecord(message) || message.role !== "assistant") continue;
    for (const [index, block] of arrayOf(message.content).entries()) {
      if (isRecord(block) && block.type === "thinking" && !SIGNATURE.test(String(block.signature))) {
        return `messages.${position}.content.${index}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  const thinking = isRecord(body.thinking) && body.thinking.type !== "disabled";
  const last = messages.filter((message) => isRecord(message) && message.role === "assistant").at(-1);
  const blocks = isRecord(last) ? arrayOf(last.content) : [];
  const usesTools = blocks.some((block) => isRecord(block) && block.type === "tool_use");
  const first = blocks[0];
  const startsWithThinking =
    isRecord(first) && (first.type === "thinking" || first.type === "redacted_thinking");
  if (thinking && usesTools && !startsWithThinking) {
    return "messages: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.";
  }
  return undefined;
}

/** The prompt up to each `cache_control` marker (system blocks, then message blocks), and its word count. */
function cachedPrefixes(body: JsonRecord): { key: string; words: number }[] {
  const blocks: unknown[] = [...(Array.isArray(body.system) ? body.system : [body.system])];
  for (const message of arrayOf(body.messages)) {
    if (!isRecord(message)) continue;
    blocks.push(...(Array.isArray(message.content) ? message.content : [message.content]));
  }
  const unmarked = blocks.map((block) => {
    if (!isRecord(block)) return block;
    const { cache_control: _marker, ...rest } = block;
    return rest;
  });
  const prefixes: { key: string; words: number }[] = [];
  blocks.forEach((block, index) => {
    if (!isRecord(block) || !isRecord(block.cache_control)) return;
    prefixes.push({
      key: JSON.stringify([body.model, unmarked.slice(0, index + 1)]),
      words: blocks.slice(0, index + 1).reduce<number>((sum, each) => sum + countWords(textOf(each)), 0),
    });
  });
  return prefixes;
}

const REQUEST_ID = { "request-id": "req_mock" };

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body, headers: REQUEST_ID };
}

/** Starts the Anthropic Messages mock on 127.0.0.1, on an ephemeral port. */
export function startAnthropicMock(): Promise<MockUpstream> {
  return startMockUpstream(createBehaviour());
}
