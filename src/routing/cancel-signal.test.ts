import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { asAbortSignal, CancelSource } from "./cancel-signal.js";

describe("CancelSource", () => {
  it("calls each listener once with the reason set, and never a removed one", () => {
    const source = new CancelSource();
    const kept = vi.fn(() => expect(source.reason).toBe("gone"));
    const removed = vi.fn();
    source.addEventListener("abort", kept);
    source.addEventListener("abort", removed);
    source.removeEventListener("abort", removed);
    expect(source.aborted).toBe(false);

    source.cancel("gone");
    source.cancel("again");

    expect(source.aborted).toBe(true);
    expect(source.reason).toBe("gone");
    expect(kept).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
  });

  it("never calls a listener added after it fired, as an AbortSignal does not", () => {
    const source = new CancelSource();
    source.cancel("gone");
    const late = vi.fn();
    source.addEventListener("abort", late);
    expect(late).not.toHaveBeenCalled();
  });

  it("cancels a wait of node:timers/promises, which takes it for an AbortSignal", async () => {
    const source = new CancelSource();
    const waiting = sleep(60_000, undefined, { signal: asAbortSignal(source) });
    source.cancel(new Error("client gone"));
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });
});
