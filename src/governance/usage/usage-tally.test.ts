import { describe, expect, it } from "vitest";
import { DEFAULT_USAGE_LOG } from "../../config/governance/usage-log-section.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import { StreamSink } from "./sinks/stream-sink.js";
import { OWNER_MESSAGE_RECORDS, type UsageBatch, UsageLogClient } from "./usage-log-client.js";
import type { UsageRecord } from "./usage-record.js";
import { countsOf } from "./usage-tally.js";

function record(at: string, key: string | null, model: string, cost: number | null, extra = ""): UsageRecord {
  return {
    ts_start: at,
    route: "chat",
    key_id: key,
    model,
    input_tokens: 10,
    output_tokens: 5,
    cost_nano_usd: cost,
    priced: cost !== null,
    note: extra,
  };
}

describe("a worker's usage tally", () => {
  it("sums the records of one hour, key, route and model into one count, and keeps the others apart", () => {
    const counts = countsOf([
      record("2026-05-01T10:00:00.000Z", "k1", "gpt", 1000),
      record("2026-05-01T10:59:59.999Z", "k1", "gpt", null),
      record("2026-05-01T11:00:00.000Z", "k1", "gpt", 7),
      record("2026-05-01T10:30:00.000Z", null, "gpt", 3),
      record("2026-05-01T10:30:00.000Z", "k1", "ada", 4),
    ]);
    expect(counts).toEqual([
      {
        hour: "2026-05-01T10",
        key: "k1",
        route: "chat",
        model: "gpt",
        requests: 2,
        input: 20,
        output: 10,
        costNano: 1000,
        unpriced: 1,
      },
      expect.objectContaining({ hour: "2026-05-01T11", key: "k1", model: "gpt", requests: 1, costNano: 7 }),
      expect.objectContaining({ hour: "2026-05-01T10", key: null, model: "gpt", requests: 1, costNano: 3 }),
      expect.objectContaining({ hour: "2026-05-01T10", key: "k1", model: "ada", requests: 1, costNano: 4 }),
    ]);
  });

  it("goes to the owner with each record serialised once, and counts the requests whose line a full buffer dropped", async () => {
    const batches: UsageBatch[] = [];
    const coordinator = {
      call: async (_service: string, payload: unknown) => {
        batches.push(payload as UsageBatch);
        return null;
      },
    } as unknown as Coordinator;
    const client = new UsageLogClient(coordinator, { ...DEFAULT_USAGE_LOG, buffer: 2, batch: 10 });
    for (const cost of [1, 2, 3]) client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", cost));
    await client.flush();
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    // drop_oldest: the first line went, the two newest stayed, as the sinks write them.
    expect(batch?.lines.map((line) => JSON.parse(line).cost_nano_usd)).toEqual([2, 3]);
    expect(client.dropped).toBe(1);
    expect(batch?.counts).toEqual([expect.objectContaining({ requests: 3, costNano: 6 })]);
    await client.flush();
    expect(batches).toHaveLength(1);
  });

  it("hands records to the owner in messages of at most OWNER_MESSAGE_RECORDS, whatever the batch", async () => {
    const sizes: number[] = [];
    const coordinator = {
      call: async (_service: string, payload: unknown) => {
        sizes.push((payload as UsageBatch).lines.length);
        return null;
      },
    } as unknown as Coordinator;
    const client = new UsageLogClient(coordinator, { ...DEFAULT_USAGE_LOG, batch: 500, flushMs: 60_000 });
    for (let index = 0; index < 2 * OWNER_MESSAGE_RECORDS + 5; index++)
      client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", index));
    expect(sizes).toEqual([OWNER_MESSAGE_RECORDS, OWNER_MESSAGE_RECORDS]);
    await client.flush();
    expect(sizes).toEqual([OWNER_MESSAGE_RECORDS, OWNER_MESSAGE_RECORDS, 5]);
  });
});

describe("the stdout sink", () => {
  it("writes whole lines in writes of at most 4 KiB, so no other process's line can land inside one", () => {
    const writes: string[] = [];
    const sink = new StreamSink({ write: (chunk: string) => writes.push(chunk) } as never);
    const lines = Array.from({ length: 40 }, (_, index) =>
      JSON.stringify(record("2026-05-01T10:00:00.000Z", `k${index}`, "gpt", index, "é".repeat(300))),
    );
    sink.write(lines);
    expect(writes.join("")).toBe(`${lines.join("\n")}\n`);
    expect(writes.length).toBeGreaterThan(1);
    for (const chunk of writes) {
      expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(4096);
      expect(chunk.endsWith("\n")).toBe(true);
    }
  });
});
