import { describe, expect, it } from "vitest";
import { DEFAULT_RETRIES } from "../config/resilience-settings.js";
import { DEFAULT_ROUTE_GOVERNANCE } from "../config/route-governance.js";
import { RouteGovernance } from "../governance/route-governance.js";
import { capableTargets } from "./capable-targets.js";
import type { Route, RouteTarget } from "./route-table.js";

const target = (label: string) => ({ label }) as RouteTarget;
const route: Route = {
  name: "chat",
  type: "llm/v1/chat",
  operation: "chat",
  strategy: "fallback",
  targets: [target("mock/echo"), target("anthropic/claude")],
  retries: DEFAULT_RETRIES,
  maxInFlight: null,
  governance: new RouteGovernance("chat", DEFAULT_ROUTE_GOVERNANCE),
  targetModels: ["echo", "claude"],
};

const lacksThinking = (label: string) => (each: RouteTarget) =>
  each.label === label
    ? { what: "extended thinking", param: "thinking", because: "does not support it" }
    : undefined;

describe("capableTargets", () => {
  it("keeps the route itself when every target can serve", () => {
    expect(capableTargets(route, () => undefined)).toBe(route);
  });

  it("leaves out the targets that cannot, keeping the others in order", () => {
    expect(capableTargets(route, lacksThinking("mock/echo")).targets.map((each) => each.label)).toEqual([
      "anthropic/claude",
    ]);
  });

  it("refuses with a 400 naming the requirement, its field, the route and every target's reason when none can", () => {
    const none = () => ({ what: "extended thinking", param: "thinking", because: "does not support it" });
    expect(() => capableTargets(route, none)).toThrow(
      expect.objectContaining({
        code: "feature_unsupported",
        status: 400,
        param: "thinking",
        message:
          "The request asks for extended thinking ('thinking'), which route 'chat' cannot honour: no target can (mock/echo does not support it; anthropic/claude does not support it).",
      }),
    );
  });
});
