import { afterEach, describe, expect, it } from "vitest";
import { toBudgets, toLimits } from "../config/governance/limit-blocks.js";
import { parseConfig } from "../config/parse-config.js";
import { GovernedCall } from "./governed-call.js";
import { Governor } from "./governor.js";
import { LimitLedger } from "./limits/limit-ledger.js";
import type { LimitStore } from "./limits/limit-store.js";
import type { Principal } from "./principal.js";
import { RouteGovernance, TableGovernance } from "./route-governance.js";

/** The embedded ledger behind the LimitStore interface, in process (the owner's side without the IPC). */
function ledgerStore(ledger = new LimitLedger()): LimitStore {
  return {
    admit: async (request) => ledger.admit(request),
    meter: async (request) => ledger.meter(request),
    settle: async (request) => ledger.settle(request),
    renew: async (ids) => ledger.renew(ids),
    quota: async (specs) => ledger.quota(specs),
    up: true,
    close: async () => {},
  };
}

function table(yaml: string): { table: TableGovernance; route: RouteGovernance } {
  const parsed = parseConfig(yaml, "/tmp/governor-test.yaml", {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const config = parsed.config;
  const route = config.routes[0];
  if (route === undefined) throw new Error("no route");
  return { table: new TableGovernance(config), route: new RouteGovernance(route.name, route.governance) };
}

/** A key in group `search` of org `acme`, as access control builds it (src/governance/principal.ts). */
function principal(keyLimits: object, groupLimits: object, groupBudgets: object[] = []): Principal {
  return {
    keyId: "k1",
    alias: "ci-bot",
    group: "search",
    org: "acme",
    scopes: [
      { scope: "key", id: "k1", limits: toLimits(keyLimits), budgets: [] },
      {
        scope: "group",
        id: "search",
        limits: toLimits(groupLimits),
        budgets: toBudgets(groupBudgets as never).budgets,
      },
      { scope: "org", id: "acme", limits: toLimits({}), budgets: [] },
    ],
    routes: null,
    models: null,
  } as Principal;
}

function call(who: Principal | undefined): GovernedCall {
  return new GovernedCall({
    api: "openai",
    principal: who,
    streaming: false,
    bodyBytes: () => 40,
    requestedModel: () => undefined,
    maxOutputTokens: () => 10,
  });
}

const governors: Governor[] = [];
afterEach(async () => {
  for (const governor of governors.splice(0)) await governor.close();
});

const ROUTE = `routes:
  - name: chat
    type: llm/v1/chat
    price: {input_per_mtok: 1000, output_per_mtok: 1000}
    limits: {rpm: 100, per_key: {rpm: 50}}
    model: {provider: mock, name: mock-echo}
governance:
  limits: {rpm: 1000}
`;

describe("the governor with a key's scopes", () => {
  it("applies the key's, its group's, the key's per-route, the route's and the gateway's limits together", async () => {
    const governor = new Governor({ store: ledgerStore() });
    governors.push(governor);
    const { table: gateway, route } = table(ROUTE);
    const alice = principal({ rpm: 10 }, { rpm: 2 });
    const first = call(alice);
    await governor.admit(gateway, route, "chat", [], first);
    expect(first.reservation?.specs.map(({ label }) => `${label.scope}:${label.id}:${label.name}`)).toEqual([
      "route_key:chat/k1:rpm",
      "key:k1:rpm",
      "group:search:rpm",
      "route:chat:rpm",
      "global::rpm",
    ]);
    await governor.admit(gateway, route, "chat", [], call(alice));
    const refused = call(alice);
    await expect(governor.admit(gateway, route, "chat", [], refused)).rejects.toMatchObject({
      status: 429,
      limit: { scope: "group", id: "search", name: "rpm" },
    });
    expect(refused.decision).toBe("denied");
    // An anonymous call on the same route has only the route's and the gateway's limits.
    const anonymous = call(undefined);
    await governor.admit(gateway, route, "chat", [], anonymous);
    expect(anonymous.reservation?.specs.map(({ label }) => label.scope)).toEqual(["route", "global"]);
  });

  it("refuses by a group budget and shows the key's live quota", async () => {
    const governor = new Governor({ store: ledgerStore() });
    governors.push(governor);
    const { table: gateway, route } = table(ROUTE);
    // 50 input (body bytes / 4 rounded up: 10) + 10 output tokens at $1000 per million: $0.02 a call at most.
    const bob = principal({}, {}, [{ amount_usd: "0.03", period: "day" }]);
    const price = gateway.priceOf("mock", "mock-echo", route.config, { price: null });
    const targets = [
      { label: "mock/mock-echo", upstream: { providerName: "mock", model: "mock-echo" }, price },
    ];
    const first = call(bob);
    await governor.admit(gateway, route, "chat", targets, first);
    governor.settle(first, false);
    await expect(governor.admit(gateway, route, "chat", targets, call(bob))).rejects.toMatchObject({
      status: 429,
      code: "budget_exceeded",
      limit: { scope: "group", id: "search", kind: "budget" },
    });
    const quota = await governor.quotaOf(gateway, bob);
    expect(quota.map(({ scope, name, kind }) => `${scope}:${name}:${kind}`)).toEqual([
      "group:day:budget",
      "global:rpm:rate",
    ]);
    const budget = quota[0];
    expect(budget?.amount_usd).toBe("0.03");
    expect(Number(budget?.remaining)).toBeLessThan(0.03);
    expect(budget?.reset_at).toMatch(/T00:00:00\.000Z$/);
    expect(quota[1]).toMatchObject({ limit: 1000, per: "1 minute", unit: "requests" });
  });
});

describe("the governor's reservations", () => {
  it("renews only the reservations the store leased, and settles each request once", async () => {
    const renewed: string[][] = [];
    const settled: string[] = [];
    const ledger = ledgerStore();
    let fromGrants = true;
    // A worker's store: some admissions decided at once from its grants (no lease to renew), others by the ledger.
    const store: LimitStore = {
      ...ledger,
      admitNow: (request) =>
        fromGrants
          ? { ok: true, states: request.specs.map(() => ({ remaining: 1, resetMs: 0 })), alerts: [] }
          : undefined,
      settleNow: (request) => {
        settled.push(request.id);
        return true;
      },
      renew: async (ids) => {
        renewed.push([...ids]);
      },
    };
    const governor = new Governor({ store, renewEveryMs: 5 });
    governors.push(governor);
    const { table: gateway, route } = table(ROUTE);
    const local = call(undefined);
    await governor.admit(gateway, route, "chat", [], local);
    fromGrants = false;
    const leased = call(undefined);
    await governor.admit(gateway, route, "chat", [], leased);
    await expect.poll(() => renewed.length).toBeGreaterThan(0);
    expect(renewed.flat()).not.toContain(local.reservation?.id);
    expect(renewed.flat()).toContain(leased.reservation?.id);
    governor.settle(local, false);
    governor.settle(local, false);
    expect(settled).toEqual([local.reservation?.id]);
  });
});
