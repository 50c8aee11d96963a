import { describe, expect, it } from "vitest";
import { GatewayError, type StreamEvent } from "../canonical/index.js";
import { type ContinuationSource, withContinuation } from "./continued-stream.js";

async function* from(events: StreamEvent[]): AsyncGenerator<StreamEvent> {
  yield* events;
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const cut = new GatewayError("upstream_unreachable", "cut");
const REPORT = { from: "a/1", to: "b/2", reason: "upstream_unreachable", prefillChars: 11 };

/** A broken stream: the answer "Echo: hello " so far, in text block 0 of choice 0, then the break. */
const BROKEN: StreamEvent[] = [
  { type: "message_start", id: "x", model: "m", created: 1 },
  { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
  { type: "text_delta", choice: 0, index: 0, text: "Echo:" },
  { type: "text_delta", choice: 0, index: 0, text: " hello " },
  { type: "error", error: cut },
];

/** The continuing target's own stream: its start, its text (Anthropic block 0), its finish and usage. */
const CONTINUATION: StreamEvent[] = [
  { type: "message_start", id: "y", model: "n", created: 2 },
  { type: "block_start", choice: 0, index: 0, block: { kind: "text" } },
  { type: "text_delta", choice: 0, index: 0, text: " there" },
  { type: "block_stop", choice: 0, index: 0 },
  { type: "finish", choice: 0, reason: "stop" },
  { type: "usage", usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 } },
];

describe("withContinuation", () => {
  it("splices the continuation into the broken stream: one text block, no second start, the report first", async () => {
    const prefills: string[] = [];
    const source: ContinuationSource = async (prefill) => {
      prefills.push(prefill);
      return { events: from(CONTINUATION), continuation: REPORT };
    };

    const events = await collect(withContinuation(from(BROKEN), source, () => true));

    expect(prefills).toEqual(["Echo: hello "]);
    expect(events).toEqual([
      ...BROKEN.slice(0, 4),
      { type: "continued", continuation: REPORT },
      // The client's text ends in a space: the continuation's leading one is dropped.
      { type: "text_delta", choice: 0, index: 0, text: "there" },
      { type: "block_stop", choice: 0, index: 0 },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 } },
    ]);
  });

  it("tells of the continuation with the usage the broken stream reported: its share of the spliced total", async () => {
    const reported: StreamEvent[] = [
      ...BROKEN.slice(0, 4),
      { type: "usage", usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9 } },
      BROKEN[4] as StreamEvent,
    ];
    const source: ContinuationSource = async () => ({ events: from(CONTINUATION), continuation: REPORT });
    const told: unknown[] = [];

    const events = await collect(
      withContinuation(
        from(reported),
        source,
        () => true,
        (opened, failure, usageSoFar) => told.push([opened.continuation, failure, usageSoFar]),
      ),
    );

    expect(told).toEqual([[REPORT, cut, { inputTokens: 7, outputTokens: 2, totalTokens: 9 }]]);
    expect(events.at(-1)).toEqual({
      type: "usage",
      usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
    });
  });

  it("ends with the error when no target can continue, or the break may not be continued", async () => {
    const none: ContinuationSource = async () => undefined;
    expect((await collect(withContinuation(from(BROKEN), none, () => true))).at(-1)).toEqual({
      type: "error",
      error: cut,
    });
    let asked = false;
    const never: ContinuationSource = async () => {
      asked = true;
      return { events: from(CONTINUATION), continuation: REPORT };
    };
    expect((await collect(withContinuation(from(BROKEN), never, () => false))).at(-1)?.type).toBe("error");
    expect(asked).toBe(false);
  });

  it("does not continue an answer a text prefill cannot carry (a tool call)", async () => {
    let asked = false;
    const source: ContinuationSource = async () => {
      asked = true;
      return undefined;
    };
    const withTool: StreamEvent[] = [
      BROKEN[0] as StreamEvent,
      { type: "block_start", choice: 0, index: 0, block: { kind: "tool_call", id: "c", name: "f" } },
      { type: "tool_arguments_delta", choice: 0, index: 0, json: '{"a"' },
      { type: "error", error: cut },
    ];
    expect((await collect(withContinuation(from(withTool), source, () => true))).at(-1)?.type).toBe("error");
    expect(asked).toBe(false);
  });
});
