import { describe, expect, it } from "vitest";
import { DEFAULT_OVERLOAD_SETTINGS } from "../config/overload-settings.js";
import { OverloadState } from "./overload-state.js";

/** A worker at its capacity: its loop busy all of the sample, yet turning every few milliseconds. */
const SATURATED = { eventLoopDelayMs: 4, eventLoopUtilization: 1, oldestWaitMs: 0 };
const BEHIND = { eventLoopDelayMs: 350, eventLoopUtilization: 1, oldestWaitMs: 0 };
/** A loop that turns often (requests start in turns) with new requests waiting longer than the delay limit. */
const QUEUED = { eventLoopDelayMs: 3, eventLoopUtilization: 1, oldestWaitMs: 320 };

function stateWith(settings = DEFAULT_OVERLOAD_SETTINGS, inFlight = 64): OverloadState {
  const state = new OverloadState(settings);
  state.inFlight = inFlight;
  return state;
}

describe("when a worker sheds load", () => {
  it("by default, not while it is merely fully used: only a loop that is behind sheds", () => {
    const state = stateWith();
    state.observe(SATURATED);
    state.observe(SATURATED);
    expect(state.shedding()).toBe(false);
    state.observe(BEHIND);
    expect(state.shedding()).toBe(false);
    state.observe(BEHIND);
    expect(state.shedding()).toBe(true);
    state.observe(SATURATED);
    expect(state.shedding()).toBe(false);
  });

  it("when new requests wait for their turn longer than the delay limit, though the loop itself turns often", () => {
    const state = stateWith();
    state.observe(QUEUED);
    expect(state.shedding()).toBe(false);
    state.observe(QUEUED);
    expect(state.shedding()).toBe(true);
    expect(state.reason).toBe("event_loop_delay");
    state.observe(SATURATED);
    expect(state.shedding()).toBe(false);
  });

  it("on a busy loop too when the utilization limit is set", () => {
    const state = stateWith({ ...DEFAULT_OVERLOAD_SETTINGS, maxEventLoopUtilization: 0.98 });
    state.observe(SATURATED);
    state.observe(SATURATED);
    expect(state.shedding()).toBe(true);
  });

  it("never with fewer requests in flight than the floor, whatever the loop shows", () => {
    const state = stateWith(DEFAULT_OVERLOAD_SETTINGS, DEFAULT_OVERLOAD_SETTINGS.minRequestsInFlight - 1);
    state.observe(BEHIND);
    state.observe(BEHIND);
    expect(state.shedding()).toBe(false);
  });
});
