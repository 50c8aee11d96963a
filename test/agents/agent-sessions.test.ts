import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import type { ContentBlockParam, Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import OpenAI from "openai";
import type { Response, ResponseInputItem } from "openai/resources/responses/responses";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, routeName, startProvidersGateway } from "../openai-api/api-gateway.js";

import { type AgentClients, createAgentClients } from "./agent-clients.js";
import { AGENT_PROVIDERS, reasoningOf } from "./agent-providers.js";

/**
 * A Claude-Code-shaped and a Codex-shaped session (test/fixtures/agents, README there) replayed through the gateway
 * against a route per provider, the way each agent drives it: every answer goes back into the next request as it
 * came (thinking and reasoning with their tokens, tool calls with their ids), every tool call gets its result.
 * Every turn must be answered completely and spec-valid, with usage; on an Anthropic route the system prompt is
 * read from the prompt cache from the second turn, and the upstream mocks check that every thinking block and
 * reasoning item comes back to the provider that made it, unchanged.
 */

type Turn<T> = { user: T } | { toolResult: string } | { toolOutput: string };

interface ClaudeCodeSession {
  headers: Record<string, string>;
  request: Record<string, unknown>;
  turns: Turn<ContentBlockParam[]>[];
}

interface CodexSession {
  request: Record<string, unknown>;
  initialInput: ResponseInputItem[];
  turns: Turn<string>[];
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/agents/${name}`, import.meta.url), "utf8")) as T;
const CLAUDE_CODE = fixture<ClaudeCodeSession>("claude-code-session.json");
const CODEX = fixture<CodexSession>("codex-session.json");

let setup: ProvidersGateway;
let clients: AgentClients;

beforeAll(async () => {
  setup = await startProvidersGateway(AGENT_PROVIDERS);
  clients = createAgentClients(setup.gateway.url, { anthropicHeaders: CLAUDE_CODE.headers });
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await clients.expectSpecValid();
  for (const provider of AGENT_PROVIDERS)
    if (provider.framing !== undefined) expectNoSpecViolations(setup.mockOf(provider));
});

/** Replays the Claude Code session; returns each turn's final message. */
async function replayClaudeCode(model: string, request: Record<string, unknown>): Promise<Message[]> {
  const messages: MessageParam[] = [];
  const answers: Message[] = [];
  for (const turn of CLAUDE_CODE.turns) {
    const pending = (answers.at(-1)?.content ?? []).flatMap((block) =>
      block.type === "tool_use" ? [block.id] : [],
    );
    const results: ContentBlockParam[] = pending.map((id) => ({
      type: "tool_result",
      tool_use_id: id,
      content: "toolResult" in turn ? turn.toolResult : "(done)",
    }));
    // A tool result with no call to answer (a route whose model called none) is said in words instead.
    const said: ContentBlockParam[] =
      "user" in turn
        ? turn.user
        : results.length === 0 && "toolResult" in turn
          ? [{ type: "text", text: turn.toolResult }]
          : [];
    const blocks: ContentBlockParam[] = [...results, ...said];
    // Claude Code keeps one cache marker on the newest user turn: earlier turns lose theirs.
    for (const message of messages) {
      if (message.role === "user" && Array.isArray(message.content))
        for (const block of message.content) if ("cache_control" in block) delete block.cache_control;
    }
    const last = blocks.at(-1);
    if (last !== undefined && last.type !== "thinking" && last.type !== "redacted_thinking")
      blocks[blocks.length - 1] = { ...last, cache_control: { type: "ephemeral" } } as ContentBlockParam;
    messages.push({ role: "user", content: blocks });
    const stream = clients.anthropic.messages.stream({ ...request, model, messages } as never);
    const answer = await stream.finalMessage();
    answers.push(answer);
    messages.push({ role: "assistant", content: answer.content });
  }
  return answers;
}

/** Replays the Codex session; returns each turn's completed response. */
async function replayCodex(model: string, request: Record<string, unknown>): Promise<Response[]> {
  const input: ResponseInputItem[] = [...CODEX.initialInput];
  const answers: Response[] = [];
  for (const turn of CODEX.turns) {
    const pending = (answers.at(-1)?.output ?? []).flatMap((item) =>
      item.type === "function_call" ? [item.call_id] : [],
    );
    for (const callId of pending) {
      input.push({
        type: "function_call_output",
        call_id: callId,
        output: "toolOutput" in turn ? turn.toolOutput : "(done)",
      });
    }
    const said =
      "user" in turn ? turn.user : pending.length === 0 && "toolOutput" in turn ? turn.toolOutput : undefined;
    if (said !== undefined)
      input.push({ type: "message", role: "user", content: [{ type: "input_text", text: said }] });
    const stream = await clients.openai.responses.create({ ...request, model, input } as never);
    let completed: Response | undefined;
    for await (const event of stream as unknown as AsyncIterable<{ type: string; response?: Response }>) {
      if (event.type === "response.completed") completed = event.response;
    }
    expect(completed?.status).toBe("completed");
    if (completed === undefined) break;
    answers.push(completed);
    input.push(...(completed.output as ResponseInputItem[]));
  }
  return answers;
}

function withoutReasoning(
  request: Record<string, unknown>,
  key: "thinking" | "reasoning",
): Record<string, unknown> {
  const { [key]: _removed, ...rest } = request;
  return key === "reasoning" ? { ...rest, include: [] } : rest;
}

for (const provider of AGENT_PROVIDERS) {
  const model = routeName(provider, "chat");
  const reasoning = reasoningOf(provider);
  const upstreamRequests = (): Record<string, unknown>[] =>
    provider.framing === undefined
      ? []
      : setup.mockOf(provider).requests.map((request) => request.body as Record<string, unknown>);

  describe(`a Claude Code session on a route backed by ${provider.label}`, () => {
    if (reasoning.unsupported !== undefined) {
      it("is refused at its first turn for its thinking, and served in full without it", async () => {
        const error = await replayClaudeCode(model, CLAUDE_CODE.request).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Anthropic.BadRequestError);
        expect((error as Error).message).toContain("thinking");
        const answers = await replayClaudeCode(model, withoutReasoning(CLAUDE_CODE.request, "thinking"));
        expect(answers).toHaveLength(CLAUDE_CODE.turns.length);
        for (const answer of answers) {
          // Streamed: the whole usage, input_tokens included, reaches the SDK's final message.
          expect(answer.usage.input_tokens).toBeGreaterThan(0);
          expect(answer.usage.output_tokens).toBeGreaterThan(0);
        }
        if (provider.tools === true) {
          // The streamed tool call is answered by the next turn's tool_result; the refused first try never
          // reached the upstream.
          expect(answers[0]?.stop_reason).toBe("tool_use");
          expect(upstreamRequests()).toHaveLength(CLAUDE_CODE.turns.length);
        }
      });
      return;
    }

    it("is served turn after turn, with thinking passed back and tool calls answered", async () => {
      const answers = await replayClaudeCode(model, CLAUDE_CODE.request);
      expect(answers).toHaveLength(CLAUDE_CODE.turns.length);
      for (const answer of answers) {
        const { input_tokens, cache_read_input_tokens, cache_creation_input_tokens } = answer.usage;
        expect(
          input_tokens + (cache_read_input_tokens ?? 0) + (cache_creation_input_tokens ?? 0),
        ).toBeGreaterThan(0);
        expect(answer.usage.output_tokens).toBeGreaterThan(0);
        if (reasoning.anthropicSignature !== undefined) expect(answer.content[0]?.type).toBe("thinking");
      }
      expect(answers[0]?.stop_reason).toBe("tool_use");
      expect(upstreamRequests()).toHaveLength(CLAUDE_CODE.turns.length);
      if (provider.label === "anthropic") {
        // Relayed: the client's betas reach Anthropic, and the system prompt comes from the cache after turn 1.
        expect(setup.mockOf(provider).requests[0]?.headers["anthropic-beta"]).toBe(
          CLAUDE_CODE.headers["anthropic-beta"],
        );
        expect(answers[0]?.usage.cache_creation_input_tokens).toBeGreaterThan(0);
        for (const answer of answers.slice(1))
          expect(answer.usage.cache_read_input_tokens).toBeGreaterThan(0);
      }
    });
  });

  describe(`a Codex session on a route backed by ${provider.label}`, () => {
    if (reasoning.unsupported !== undefined) {
      it("is refused at its first turn for its reasoning, and served in full without it", async () => {
        const error = await replayCodex(model, CODEX.request).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect((error as Error).message).toContain("reasoning");
        const answers = await replayCodex(model, withoutReasoning(CODEX.request, "reasoning"));
        expect(answers).toHaveLength(CODEX.turns.length);
        for (const answer of answers) {
          expect(answer.usage?.input_tokens).toBeGreaterThan(0);
          expect(answer.usage?.output_tokens).toBeGreaterThan(0);
        }
        if (provider.tools === true) {
          expect(answers[0]?.output.some((item) => item.type === "function_call")).toBe(true);
          expect(upstreamRequests()).toHaveLength(CODEX.turns.length);
        }
      });
      return;
    }

    it("is served turn after turn statelessly, with encrypted reasoning passed back and calls answered", async () => {
      const answers = await replayCodex(model, CODEX.request);
      expect(answers).toHaveLength(CODEX.turns.length);
      for (const answer of answers) {
        expect(answer.usage?.input_tokens).toBeGreaterThan(0);
        expect(answer.usage?.output_tokens).toBeGreaterThan(0);
      }
      expect(answers[0]?.output.some((item) => item.type === "function_call")).toBe(true);
      if (reasoning.responsesToken !== undefined) {
        for (const answer of answers)
          expect(answer.output.find((item) => item.type === "reasoning")).toMatchObject({
            encrypted_content: expect.any(String),
          });
      }
      const requests = upstreamRequests();
      expect(requests).toHaveLength(CODEX.turns.length);
      if (provider.label === "openai") {
        // Relayed to OpenAI's Responses API: the request as Codex sent it (and nothing stored there).
        expect(requests[0]).toMatchObject({ store: false, prompt_cache_key: CODEX.request.prompt_cache_key });
      }
    });
  });
}
