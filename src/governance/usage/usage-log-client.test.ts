import { describe, expect, it } from "vitest";
import { DEFAULT_USAGE_LOG, type UsageLogSettings } from "../../config/governance/usage-log-section.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import type { UsageBatch } from "./usage-batch.js";
import { OWNER_MESSAGE_RECORDS, UsageLogClient } from "./usage-log-client.js";
import type { UsageRecord } from "./usage-record.js";
import { countsOf } from "./usage-tally.js";

/** What every record of these tests shares: a route, and ten tokens in, five out. */
const CHAT_CALL = { route: "chat", input_tokens: 10, output_tokens: 5 };

/**
 * A record with the fields the tally counts (and `priced`): the client serialises and counts whatever it is given,
 * so the rest of a record's fields play no part here.
 */
function record(at: string, key: string | null, model: string, cost: number | null): UsageRecord {
  const counted = {
    ...CHAT_CALL,
    ts_start: at,
    key_id: key,
    model,
    cost_nano_usd: cost,
    priced: cost !== null,
  };
  return counted as UsageRecord;
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
});

/** Settings with only a sink the owner writes (a file): records go to the owner, none to stdout. */
const WITH_FILE: UsageLogSettings = {
  ...DEFAULT_USAGE_LOG,
  sinks: [{ kind: "file", path: "/nonexistent/usage.jsonl", maxBytes: 1024, maxFiles: 1 }],
};

function output(taking = true): { lines: { writeLine(line: string): boolean }; written: string[] } {
  const written: string[] = [];
  return {
    written,
    lines: {
      writeLine: (line) => {
        if (taking) written.push(line);
        return taking;
      },
    },
  };
}

function owner(): { coordinator: Coordinator; batches: UsageBatch[] } {
  const batches: UsageBatch[] = [];
  const coordinator = {
    call: async (_service: string, payload: unknown) => {
      batches.push(payload as UsageBatch);
      return null;
    },
  } as unknown as Coordinator;
  return { coordinator, batches };
}

describe("a worker's usage log", () => {
  it("goes to the owner with each record serialised once, and counts the requests whose line a full buffer dropped", async () => {
    const { coordinator, batches } = owner();
    const client = new UsageLogClient(coordinator, { ...WITH_FILE, buffer: 2, batch: 10 }, output().lines);
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
    const { coordinator, batches } = owner();
    const sizes = (): number[] => batches.map((batch) => batch.lines.length);
    const client = new UsageLogClient(
      coordinator,
      { ...WITH_FILE, batch: 500, flushMs: 60_000 },
      output().lines,
    );
    for (let index = 0; index < 2 * OWNER_MESSAGE_RECORDS + 5; index++)
      client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", index));
    expect(sizes()).toEqual([OWNER_MESSAGE_RECORDS, OWNER_MESSAGE_RECORDS]);
    await client.flush();
    expect(sizes()).toEqual([OWNER_MESSAGE_RECORDS, OWNER_MESSAGE_RECORDS, 5]);
  });

  it("writes the stdout sink's lines itself and sends the owner only the counts", async () => {
    const { coordinator, batches } = owner();
    const stdout = output();
    const client = new UsageLogClient(coordinator, DEFAULT_USAGE_LOG, stdout.lines);
    for (const cost of [1, 2]) client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", cost));
    expect(stdout.written.map((line) => JSON.parse(line).cost_nano_usd)).toEqual([1, 2]);
    await client.flush();
    expect(batches).toEqual([
      { op: "records", lines: [], counts: [expect.objectContaining({ requests: 2, costNano: 3 })] },
    ]);
    expect(client.dropped).toBe(0);
  });

  it("writes stdout and queues for the owner when both kinds of sink are configured, and follows a reload", async () => {
    const { coordinator, batches } = owner();
    const stdout = output();
    const client = new UsageLogClient(coordinator, DEFAULT_USAGE_LOG, stdout.lines);
    client.applySettings({ ...WITH_FILE, sinks: [{ kind: "stdout" }, ...WITH_FILE.sinks] });
    client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", 1));
    client.applySettings(WITH_FILE);
    client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", 2));
    await client.flush();
    expect(stdout.written.map((line) => JSON.parse(line).cost_nano_usd)).toEqual([1]);
    expect(batches[0]?.lines.map((line) => JSON.parse(line).cost_nano_usd)).toEqual([1, 2]);
  });

  it("with no sinks, writes no line and still counts every request for the usage API", async () => {
    const { coordinator, batches } = owner();
    const stdout = output();
    const client = new UsageLogClient(coordinator, { ...DEFAULT_USAGE_LOG, sinks: [] }, stdout.lines);
    client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", 4));
    await client.flush();
    expect(stdout.written).toEqual([]);
    expect(batches).toEqual([
      { op: "records", lines: [], counts: [expect.objectContaining({ requests: 1, costNano: 4 })] },
    ]);
  });

  it("counts a record stdout did not take as dropped, and still counts its request", async () => {
    const { coordinator, batches } = owner();
    const client = new UsageLogClient(coordinator, DEFAULT_USAGE_LOG, output(false).lines);
    client.push(record("2026-05-01T10:00:00.000Z", "k1", "gpt", 5));
    await client.flush();
    expect(client.dropped).toBe(1);
    expect(batches[0]?.counts).toEqual([expect.objectContaining({ requests: 1, costNano: 5 })]);
  });
});
