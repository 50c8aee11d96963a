import { describe, expect, it } from "vitest";
import { createRequestAdapter, nearestEffort, type RequestQuirks } from "./compatible-request.js";

/**
 * `reasoning_effort` on OpenAI-compatible providers: the nearest value the provider documents, or dropped where
 * it has none (or the model takes none): thinking is a hint, never a 400.
 */

const adapt = (quirks: RequestQuirks, model = "m") =>
  createRequestAdapter(quirks, "Provider", model)({ model: "route", reasoning_effort: "medium", n: 1 });

describe("reasoning_effort on compatible providers", () => {
  it.each([
    ["medium", ["low", "medium", "high"], "medium"],
    ["minimal", ["low", "medium", "high"], "low"],
    ["xhigh", ["low", "medium", "high"], "high"],
    // Between two accepted values, the greater (as DeepSeek maps medium itself).
    ["medium", ["low", "high", "max"], "high"],
    ["max", ["low", "high", "max"], "max"],
    ["none", ["none", "low"], "none"],
    // `none` where the provider cannot turn reasoning off: left out.
    ["none", ["low", "high"], undefined],
    ["extreme", ["low", "high"], undefined],
  ])("asks for %s as %j's %s", (effort, accepted, expected) => {
    expect(nearestEffort(effort, accepted)).toBe(expected);
  });

  it("sends the nearest accepted effort where the provider takes one", () => {
    expect(adapt({ reasoningEfforts: ["low", "high"] })).toEqual({
      model: "m",
      reasoning_effort: "high",
      n: 1,
    });
  });

  it("drops the effort where the provider has no reasoning parameter", () => {
    expect(adapt({})).toEqual({ model: "m", n: 1 });
  });

  it("drops the effort for the provider's models that refuse it", () => {
    const quirks = { reasoningEfforts: ["low", "high"], reasoningModels: /grok-3-mini/ };
    expect(adapt(quirks, "grok-4")).toEqual({ model: "grok-4", n: 1 });
    expect(adapt(quirks, "grok-3-mini")).toEqual({ model: "grok-3-mini", reasoning_effort: "high", n: 1 });
  });
});
