import { describe, expect, it } from "vitest";
import { prepareRelayedMessagesBody } from "./relayed-request.js";

/**
 * A conversation that another provider began, continued on Anthropic by relay: what Anthropic would refuse
 * (another provider's thinking, ids outside its pattern, thinking on a turn whose tool use has none) is made
 * acceptable; Anthropic's own conversation goes through unchanged.
 */

const toolTurn = (id: string, thinking: unknown[]) => [
  { role: "user", content: "Weather?" },
  { role: "assistant", content: [...thinking, { type: "tool_use", id, name: "get_weather", input: {} }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "Sunny" }] },
];

describe("prepareRelayedMessagesBody", () => {
  it("removes another provider's thinking, makes its ids portable, and turns thinking off for the turn", () => {
    const id = "call_r1_0__thought__c2ln+/x=";
    const body = {
      model: "coding",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: toolTurn(id, [
        { type: "thinking", thinking: "Gemini's", signature: "switchyard:v1:gemini:" },
      ]),
    };
    const prepared = prepareRelayedMessagesBody(body, "claude-sonnet-4-5");
    expect(prepared).not.toHaveProperty("thinking");
    const messages = prepared.messages as { content: Record<string, unknown>[] }[];
    const useId = messages[1]?.content[0]?.id;
    expect(messages[1]?.content).toHaveLength(1);
    expect(useId).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(messages[2]?.content[0]?.tool_use_id).toBe(useId);
  });

  it("passes Anthropic's own conversation on unchanged, its thinking included", () => {
    const body = {
      model: "coding",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: toolTurn("toolu_01", [{ type: "thinking", thinking: "Mine", signature: "sig_1" }]),
    };
    expect(prepareRelayedMessagesBody(body, "claude-sonnet-4-5")).toEqual({
      ...body,
      model: "claude-sonnet-4-5",
    });
  });
});
