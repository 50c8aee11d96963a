import { describe, expect, it } from "vitest";
import type { ResponseStoreSettings } from "../config/responses-settings.js";
import { MemoryResponseStore } from "./memory-response-store.js";
import type { StoredResponse } from "./response-store.js";

const SETTINGS: ResponseStoreSettings = {
  kind: "local",
  retentionMs: 60_000,
  maxResponses: 100,
  maxBytes: 1024 * 1024,
};

function stored(id: string, previousResponseId: string | null = null, text = "answer"): StoredResponse {
  return {
    response: {
      id,
      output: [
        { id: `msg_${id}`, type: "message", role: "assistant", content: [{ type: "output_text", text }] },
      ],
    },
    input: [{ id: `in_${id}`, role: "user", content: `question ${id}` }],
    previousResponseId,
  };
}

function storeAt(clock: { now: number }, settings: Partial<ResponseStoreSettings> = {}): MemoryResponseStore {
  return new MemoryResponseStore({ ...SETTINGS, ...settings }, () => clock.now);
}

describe("MemoryResponseStore", () => {
  it("keeps a response for the retention time, then forgets it", () => {
    const clock = { now: 0 };
    const store = storeAt(clock);
    store.put(stored("a"));
    clock.now = 59_999;
    expect(store.get("a")?.response.id).toBe("a");
    clock.now = 60_000;
    expect(store.get("a")).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("drops the oldest responses beyond the count limit", () => {
    const store = storeAt({ now: 0 }, { maxResponses: 2 });
    for (const id of ["a", "b", "c"]) store.put(stored(id));
    expect([store.get("a"), store.get("b"), store.get("c")].map((entry) => entry?.response.id)).toEqual([
      undefined,
      "b",
      "c",
    ]);
  });

  it("drops the oldest responses beyond the byte limit, and refuses one larger than the whole store", () => {
    const size = Buffer.byteLength(JSON.stringify(stored("a")));
    const store = storeAt({ now: 0 }, { maxBytes: size * 2 });
    for (const id of ["a", "b", "c"]) expect(store.put(stored(id))).toBe(true);
    expect(store.get("a")).toBeUndefined();
    expect(store.get("c")).toBeDefined();
    expect(store.put(stored("big", null, "x".repeat(size * 3)))).toBe(false);
    expect(store.get("big")).toBeUndefined();
  });

  it("gives the conversation of a chain of responses, oldest first: each one's input then its output", () => {
    const store = storeAt({ now: 0 });
    store.put(stored("a"));
    store.put(stored("b", "a"));
    expect(store.conversation("b")).toEqual([
      ...stored("a").input,
      ...(stored("a").response.output as unknown[]),
      ...stored("b").input,
      ...(stored("b").response.output as unknown[]),
    ]);
  });

  it("has no conversation when a response it continued is gone", () => {
    const store = storeAt({ now: 0 }, { maxResponses: 1 });
    store.put(stored("a"));
    store.put(stored("b", "a"));
    expect(store.conversation("b")).toBeUndefined();
  });

  it("finds stored items by id, inputs and outputs alike", () => {
    const store = storeAt({ now: 0 });
    store.put(stored("a"));
    expect(store.items(["msg_a", "in_a", "missing"])).toEqual([
      (stored("a").response.output as unknown[])[0],
      stored("a").input[0],
      undefined,
    ]);
  });

  it("deletes a response once, and applies new limits at once", () => {
    const store = storeAt({ now: 0 });
    for (const id of ["a", "b", "c"]) store.put(stored(id));
    expect(store.delete("a")).toBe(true);
    expect(store.delete("a")).toBe(false);
    store.configure({ ...SETTINGS, maxResponses: 1 });
    expect(store.size).toBe(1);
    expect(store.get("c")).toBeDefined();
  });
});
