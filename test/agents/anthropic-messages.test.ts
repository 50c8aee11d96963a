import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { TOOL_CALL_ARGUMENTS } from "../mock-upstream/index.js";
import { routeName } from "../openai-api/api-gateway.js";
import { replyTo } from "../openai-api/api-providers.js";
import { TOOL_PROMPT } from "../openai-api/chat-stream-accumulator.js";
import { useAgentGateway } from "./agent-gateway.js";
import {
  AGENT_PROVIDERS,
  ANTHROPIC_WEATHER_TOOL,
  expectToolRoundTrip,
  expectTranslatedThinking,
  reasoningOf,
} from "./agent-providers.js";

/**
 * Anthropic's Messages API through the official `@anthropic-ai/sdk`, on a route per provider: answers, streams,
 * usage, tool use over two turns and thinking, each answer checked against Anthropic's schemas and stream rules,
 * and each upstream request against the upstream's own spec. Anthropic routes relay the request; the others
 * translate it.
 */

const agent = useAgentGateway();

for (const provider of AGENT_PROVIDERS) {
  describe(`the Messages API on a route backed by ${provider.label}`, () => {
    const model = routeName(provider, "chat");
    const upstreamBodies = () =>
      provider.framing === undefined
        ? []
        : agent.setup.mockOf(provider).requests.map((request) => request.body);

    it("answers with the upstream's reply, end_turn and the upstream's token counts", async () => {
      const user = "What is a gateway?";
      const expected = replyTo(provider, user);
      const message = await agent.clients.anthropic.messages.create({
        model,
        max_tokens: 256,
        messages: [{ role: "user", content: user }],
      });
      expect(message).toMatchObject({
        type: "message",
        role: "assistant",
        content: [{ type: "text", text: expected.text }],
        stop_reason: "end_turn",
        usage: { input_tokens: expected.inputTokens, output_tokens: expected.outputTokens },
      });
      expect(message.id).toMatch(/^msg_/);
    });

    it("streams the answer in Anthropic's event sequence, with the whole usage at the end", async () => {
      const user = "Stream a short answer";
      const expected = replyTo(provider, user);
      const stream = agent.clients.anthropic.messages.stream({
        model,
        max_tokens: 256,
        messages: [{ role: "user", content: user }],
      });
      const types: string[] = [];
      const deltaUsage: unknown[] = [];
      stream.on("streamEvent", (event) => {
        types.push(event.type);
        if (event.type === "message_delta") deltaUsage.push(event.usage);
      });
      const message = await stream.finalMessage();
      // message_delta's usage is cumulative and whole: input_tokens too, never 0 when the upstream counted them
      // (a translated stream learns the counts at its end, after message_start went out).
      expect(deltaUsage).toMatchObject([
        { input_tokens: expected.inputTokens, output_tokens: expected.outputTokens },
      ]);
      expect(message.content).toMatchObject([{ type: "text", text: expected.text }]);
      expect(message.usage).toMatchObject({
        input_tokens: expected.inputTokens,
        output_tokens: expected.outputTokens,
      });
      expect(types[0]).toBe("message_start");
      expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
      const raw = await agent.clients.exchanges.at(-1)?.text;
      expect(raw).toContain("event: ping\n");
    });

    it("passes the system prompt, stop sequences and sampling settings to the upstream", async () => {
      const message = await agent.clients.anthropic.messages.create({
        model,
        max_tokens: 64,
        system: [{ type: "text", text: "Answer briefly.", cache_control: { type: "ephemeral" } }],
        stop_sequences: ["END"],
        messages: [{ role: "user", content: "Hello there" }],
      });
      expect(message.content).toMatchObject([{ type: "text", text: replyTo(provider, "Hello there").text }]);
      const [body] = upstreamBodies();
      if (provider.label === "anthropic") {
        expect(body).toMatchObject({
          system: [{ text: "Answer briefly.", cache_control: { type: "ephemeral" } }],
        });
        expect(body).toMatchObject({ stop_sequences: ["END"], max_tokens: 64 });
      } else if (provider.label === "openai") {
        expect(body).toMatchObject({ stop: ["END"], max_tokens: 64 });
        expect(body).toMatchObject({
          messages: [{ role: "system", content: "Answer briefly." }, { role: "user" }],
        });
      } else if (provider.label === "cohere") {
        expect(body).toMatchObject({ stop_sequences: ["END"], max_tokens: 64 });
      }
    });

    const cut = provider.base.lengthLimitedAnswer;
    if (provider.framing !== undefined && cut !== undefined) {
      it("maps an answer cut at the token limit to stop_reason max_tokens", async () => {
        agent.setup.mockOf(provider).enqueue(cut);
        const message = await agent.clients.anthropic.messages.create({
          model,
          max_tokens: 2,
          messages: [{ role: "user", content: "Tell me a long story" }],
        });
        expect(message.stop_reason).toBe("max_tokens");
        expect(message.content).toMatchObject([{ type: "text", text: "Echo: Tell" }]);
      });
    }

    if (provider.tools !== true) {
      it.skip(`uses tools (skipped: ${provider.tools})`, () => {});
    } else {
      it("calls a tool, then takes the tool's result back in the next turn", async () => {
        const messages: MessageParam[] = [{ role: "user", content: TOOL_PROMPT }];
        const first = await agent.clients.anthropic.messages.create({
          model,
          max_tokens: 256,
          tools: [ANTHROPIC_WEATHER_TOOL],
          messages,
        });
        expect(first.stop_reason).toBe("tool_use");
        const call = first.content.find((block) => block.type === "tool_use");
        expect(call).toMatchObject({
          type: "tool_use",
          id: provider.firstToolCallId?.("get_weather"),
          name: "get_weather",
          input: JSON.parse(TOOL_CALL_ARGUMENTS),
        });
        const id = call?.type === "tool_use" ? call.id : "";
        messages.push(
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "Sunny, 21 C" }] },
        );
        const second = await agent.clients.anthropic.messages.create({
          model,
          max_tokens: 256,
          tools: [ANTHROPIC_WEATHER_TOOL],
          messages,
        });
        expect(second.content.length).toBeGreaterThan(0);
        expectToolRoundTrip(provider, upstreamBodies()[1], id, "Sunny, 21 C");
      });
    }

    const reasoning = reasoningOf(provider);
    if (reasoning.unsupported !== undefined) {
      it("refuses thinking with a 400 in Anthropic's envelope naming the feature and the route", async () => {
        const error = await agent.clients.anthropic.messages
          .create({
            model,
            max_tokens: 4096,
            thinking: { type: "enabled", budget_tokens: 2048 },
            messages: [{ role: "user", content: "Think first" }],
          })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Anthropic.BadRequestError);
        const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as {
          error: { type: string; message: string };
        };
        expect(body.error.type).toBe("invalid_request_error");
        expect(body.error.message).toContain("thinking");
        expect(body.error.message).toContain(`route '${model}'`);
      });
      return;
    }

    it("thinks when asked, and takes the thinking back with the tool's result", async () => {
      const thinking = { type: "enabled" as const, budget_tokens: 2048 };
      const messages: MessageParam[] = [{ role: "user", content: TOOL_PROMPT }];
      const stream = agent.clients.anthropic.messages.stream({
        model,
        max_tokens: 4096,
        thinking,
        tools: [ANTHROPIC_WEATHER_TOOL],
        messages,
      });
      const first = await stream.finalMessage();
      const thought = first.content.find((block) => block.type === "thinking");
      if (reasoning.anthropicSignature === undefined) {
        expect(thought).toBeUndefined();
      } else {
        expect(thought).toEqual({
          type: "thinking",
          thinking: `Thinking about: ${TOOL_PROMPT}`,
          signature: reasoning.anthropicSignature,
        });
        // Anthropic requires the thinking first in a turn that continues a tool use.
        expect(first.content[0]?.type).toBe("thinking");
      }
      if (reasoning.reportsReasoningTokens)
        expect(first.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);
      const call = first.content.find((block) => block.type === "tool_use");
      const id = call?.type === "tool_use" ? call.id : "";
      messages.push(
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "Sunny" }] },
      );
      const second = await agent.clients.anthropic.messages.create({
        model,
        max_tokens: 4096,
        thinking,
        tools: [ANTHROPIC_WEATHER_TOOL],
        messages,
      });
      expect(second.stop_reason).toBeDefined();
      const [request, followUp] = upstreamBodies();
      if (provider.label === "openai") {
        expect(request).toMatchObject({ reasoning_effort: "low", max_completion_tokens: 4096 });
        expect(JSON.stringify(followUp)).not.toContain("Thinking about");
      } else if (provider.label === "cohere") {
        expect(request).toMatchObject({ thinking: { type: "enabled", token_budget: 2048 } });
        expect(messageAt(followUp, 1)).toMatchObject({
          role: "assistant",
          content: [{ type: "thinking", thinking: `Thinking about: ${TOOL_PROMPT}` }],
        });
      } else if (
        !expectTranslatedThinking(provider, request, followUp, `Thinking about: ${TOOL_PROMPT}`, "messages")
      ) {
        expect(messageAt(followUp, 1)).toMatchObject({
          content: [{ type: "thinking", signature: "sig_msg_mock_1" }, { type: "tool_use" }],
        });
      }
    });
  });
}

function messageAt(body: unknown, index: number): unknown {
  const messages = (body as { messages?: unknown[] } | undefined)?.messages;
  return messages?.[index];
}
