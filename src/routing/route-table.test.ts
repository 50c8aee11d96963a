import { describe, expect, it } from "vitest";
import type { GatewayConfig } from "../config/gateway-config.js";
import { defaultGovernanceConfig } from "../config/governance/governance-config.js";
import { DEFAULT_CIRCUIT_BREAKER, DEFAULT_RETRIES } from "../config/resilience-settings.js";
import { DEFAULT_ROUTE_GOVERNANCE } from "../config/route-governance.js";
import { DEFAULT_UPSTREAM_TIMEOUTS } from "../config/route-timeouts.js";
import { DEFAULT_SERVER_SETTINGS } from "../config/server-settings.js";
import { RouteTable } from "./route-table.js";
import { RouteTableHolder } from "./route-table-holder.js";
import { UpstreamPools } from "./upstream-pools.js";

function openAIConfig(base: string, name = "chat"): GatewayConfig {
  return {
    routes: [
      {
        name,
        type: "llm/v1/chat",
        strategy: "fallback",
        retries: DEFAULT_RETRIES,
        circuitBreaker: DEFAULT_CIRCUIT_BREAKER,
        maxInFlight: null,
        governance: DEFAULT_ROUTE_GOVERNANCE,
        targets: [
          {
            provider: "openai",
            model: "gpt-4o-mini",
            config: { openai_api_key: "sk-test-123456789", openai_api_type: "openai", openai_api_base: base },
            weight: 1,
            timeouts: DEFAULT_UPSTREAM_TIMEOUTS,
            price: null,
          },
        ],
      },
    ],
    server: DEFAULT_SERVER_SETTINGS,
    governance: defaultGovernanceConfig("/srv/switchyard"),
  };
}

describe("RouteTable and its holder", () => {
  it("looks routes up by name and keeps config order", async () => {
    const table = await RouteTable.build(openAIConfig("http://127.0.0.1:9/v1"), new UpstreamPools());
    expect(table.get("chat")?.type).toBe("llm/v1/chat");
    expect(table.get("missing")).toBeUndefined();
    expect(table.routes.map((route) => route.name)).toEqual(["chat"]);
  });

  it("keeps a retired table's pool open until its last request releases it", async () => {
    const pools = new UpstreamPools();
    const holder = new RouteTableHolder(await RouteTable.build(openAIConfig("http://127.0.0.1:9/v1"), pools));
    const old = holder.current;
    const pool = old.get("chat")?.targets[0]?.pool;
    old.acquire();
    holder.swap(await RouteTable.build(openAIConfig("http://127.0.0.2:9/v1"), pools));
    expect(holder.current).not.toBe(old);
    expect(pool?.closed).toBe(false);
    old.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool?.closed).toBe(true);
  });

  it("shares one pool between tables that use the same origin, so a reload keeps warm connections", async () => {
    const pools = new UpstreamPools();
    const holder = new RouteTableHolder(await RouteTable.build(openAIConfig("http://127.0.0.1:9/v1"), pools));
    const pool = holder.current.get("chat")?.targets[0]?.pool;
    holder.swap(await RouteTable.build(openAIConfig("http://127.0.0.1:9/v1", "renamed"), pools));
    expect(holder.current.get("renamed")?.targets[0]?.pool).toBe(pool);
    expect(pool?.closed).toBe(false);
  });
});
