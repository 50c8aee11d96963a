import { describe, expect, it } from "vitest";
import { CoordinationError, type OwnedService } from "./coordinator.js";
import { InProcessCoordinator } from "./in-process-coordinator.js";

function counterService(): OwnedService & { value: number } {
  const service = {
    name: "counter",
    value: 0,
    handle(payload: unknown) {
      const by = (payload as { by: number }).by;
      if (by < 0) throw new Error("cannot count down");
      service.value += by;
      return { value: service.value };
    },
  };
  return service;
}

describe("InProcessCoordinator", () => {
  it("answers calls from the hosted service, with payloads copied as across processes", async () => {
    const counter = counterService();
    const coordinator = new InProcessCoordinator([counter]);
    const payload = { by: 2 };
    const results = await Promise.all([
      coordinator.call("counter", payload),
      coordinator.call("counter", payload),
    ]);
    expect(results.map((result) => (result as { value: number }).value).sort()).toEqual([2, 4]);
    expect(counter.value).toBe(4);
  });

  it("rejects an unknown service and a failing one with a CoordinationError naming the cause", async () => {
    const coordinator = new InProcessCoordinator([counterService()]);
    await expect(coordinator.call("nope", {})).rejects.toMatchObject({
      name: "CoordinationError",
      reason: "unknown_service",
    });
    const failure = await coordinator.call("counter", { by: -1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CoordinationError);
    expect(failure).toMatchObject({ reason: "service_failed", message: "cannot count down" });
  });

  it("delivers published events asynchronously to every subscriber, even when one throws", async () => {
    const errors: unknown[] = [];
    const coordinator = new InProcessCoordinator([], (error) => errors.push(error));
    const heard: unknown[] = [];
    coordinator.subscribe("keys", () => {
      throw new Error("listener broke");
    });
    const stop = coordinator.subscribe("keys", (payload) => heard.push(payload));
    coordinator.publish("keys", { revoked: "abc" });
    expect(heard).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([{ revoked: "abc" }]);
    expect(errors).toHaveLength(1);
    stop();
    coordinator.publish("keys", { revoked: "def" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toHaveLength(1);
  });

  it("passes config changes to the services that want them", () => {
    const seen: unknown[] = [];
    const coordinator = new InProcessCoordinator([
      { name: "a", handle: () => null, applyConfig: (config) => seen.push(config) },
    ]);
    coordinator.host.applyConfig({ routes: [] });
    expect(seen).toEqual([{ routes: [] }]);
  });
});
