import { afterEach, describe, expect, it } from "vitest";
import { usdToNano } from "../../src/config/governance/limit-blocks.js";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";

/**
 * Limits and budgets on gateway keys, their groups and orgs, set through the admin API and enforced on the
 * key's calls (the Principal that access control builds), with the spend visible in `/v1/me`, the usage log
 * and `/metrics`: the "done when" for keys.
 */
const PEPPER = "limits-test-pepper-0123456789";
const MASTER = "sy-master-limits-0123456789-abcdef";
const ENV = { SWITCHYARD_KEY_PEPPER: PEPPER, SWITCHYARD_MASTER_KEY: MASTER };

const gateways: GatewayUnderTest[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

async function gatewayWith(routes: string[]): Promise<GatewayUnderTest> {
  const yaml = [
    "routes:",
    ...routes,
    "governance:",
    "  auth: {required: true, pepper: $SWITCHYARD_KEY_PEPPER}",
    "  admin:",
    "    master_keys: [{name: ops, key: $SWITCHYARD_MASTER_KEY}]",
    "",
  ].join("\n");
  const gateway = await startGateway(yaml, ENV);
  gateways.push(gateway);
  return gateway;
}

const CHAT = [
  "  - name: chat",
  "    type: llm/v1/chat",
  // $0.02 a token either way: a call costs cents, so a $1 budget lasts a few calls.
  "    price: {input_per_mtok: 20000, output_per_mtok: 20000}",
  "    model: {provider: mock, name: mock-echo}",
];
const messages = [{ role: "user", content: "Hello" }];

async function call(
  gateway: GatewayUnderTest,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? {} : JSON.parse(text) };
}

async function createKey(gateway: GatewayUnderTest, body: Record<string, unknown>): Promise<string> {
  const created = await call(gateway, "POST", "/admin/v1/keys", MASTER, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.key as string;
}

describe("a key's budget", () => {
  it("refuses the call that could cross a $1 daily budget, with the spend in /v1/me, the usage log and /metrics", async () => {
    const gateway = await gatewayWith(CHAT);
    await call(gateway, "POST", "/admin/v1/groups", MASTER, { id: "search" });
    const key = await createKey(gateway, {
      alias: "ci-bot",
      group: "search",
      budgets: [{ amount_usd: "1", period: "day" }],
    });
    let spentNano = 0;
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let attempt = 0; attempt < 20 && refused === undefined; attempt++) {
      const answer = await call(gateway, "POST", "/v1/chat/completions", key, {
        model: "chat",
        messages,
        max_tokens: 16,
      });
      if (answer.status === 429) refused = answer;
      else {
        expect(answer.status).toBe(200);
        expect(answer.headers.get("x-switchyard-budget-remaining-usd")).not.toBeNull();
        spentNano += usdToNano(answer.headers.get("x-switchyard-cost-usd") as string) as number;
      }
    }
    expect(refused, "the budget never refused").toBeDefined();
    expect(spentNano).toBeGreaterThan(0);
    expect(spentNano).toBeLessThanOrEqual(1e9);
    expect(refused?.body).toMatchObject({
      error: {
        type: "insufficient_quota",
        code: "insufficient_quota",
        limit: { scope: "key", kind: "budget", name: "day" },
      },
    });
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    // The MLflow API refuses the same key with MLflow 3's budget shape (64 tokens may cost $1.28: never fits).
    const mlflow = await call(gateway, "POST", "/gateway/chat/invocations", key, {
      messages,
      max_tokens: 64,
    });
    expect(mlflow.status).toBe(429);
    expect(mlflow.body.detail).toMatch(/^Budget limit exceeded\./);

    const me = await call(gateway, "GET", "/v1/me", key);
    expect(me.status).toBe(200);
    const budget = (me.body.quota as Record<string, unknown>[]).find((entry) => entry.kind === "budget");
    expect(budget).toMatchObject({ scope: "key", name: "day", amount_usd: "1", action: "reject" });
    expect(usdToNano(budget?.remaining as string)).toBe(1e9 - spentNano);

    const records = (await gateway.usageRecords()).filter((record) => record.key_alias === "ci-bot");
    const admitted = records.filter((record) => record.status === 200);
    expect(admitted.reduce((sum, record) => sum + (record.cost_nano_usd as number), 0)).toBe(spentNano);
    expect(records.filter((record) => record.denied_by !== undefined).length).toBe(2);
    for (const record of records) expect(record).toMatchObject({ group: "search", route: "chat" });

    const metrics = await (
      await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } })
    ).text();
    const cost = /switchyard_cost_usd_total\{[^}]*group="search"[^}]*\} (\S+)/.exec(metrics);
    expect(Number(cost?.[1])).toBeCloseTo(spentNano / 1e9, 9);
    expect(metrics).toMatch(
      /switchyard_limit_denials_total\{scope="key",id="",limit="day",kind="budget"\} 2/,
    );
  });
});

describe("limits on keys, groups and routes' per_key", () => {
  it("counts each key alone, a group's keys together, and a route's per_key for each key on it", async () => {
    const gateway = await gatewayWith([...CHAT, "    limits: {per_key: {rpm: 3}}"]);
    expect(
      (await call(gateway, "POST", "/admin/v1/groups", MASTER, { id: "team", limits: { rpm: 4 } })).status,
    ).toBe(201);
    const solo = await createKey(gateway, { alias: "solo", limits: { rpm: 2 } });
    const first = await createKey(gateway, { alias: "first", group: "team" });
    const second = await createKey(gateway, { alias: "second", group: "team" });
    const chat = (key: string) =>
      call(gateway, "POST", "/v1/chat/completions", key, { model: "chat", messages, max_tokens: 8 });

    expect((await chat(solo)).status).toBe(200);
    expect((await chat(solo)).status).toBe(200);
    const soloRefused = await chat(solo);
    expect(soloRefused.status).toBe(429);
    expect(soloRefused.body).toMatchObject({ error: { limit: { scope: "key", name: "rpm", limit: 2 } } });

    // The route gives each key 3 a minute; the group gives its keys 4 together.
    for (let index = 0; index < 3; index++) expect((await chat(first)).status).toBe(200);
    const perKey = await chat(first);
    expect(perKey.status).toBe(429);
    expect(perKey.body).toMatchObject({ error: { limit: { scope: "route_key", name: "rpm", limit: 3 } } });
    expect((perKey.body.error as { message: string }).message).toMatch(/on route 'chat'/);
    expect((await chat(second)).status).toBe(200);
    const group = await chat(second);
    expect(group.status).toBe(429);
    expect(group.body).toMatchObject({
      error: { limit: { scope: "group", id: "team", name: "rpm", limit: 4 } },
    });

    // The admin API changes a key's limits; the next call is decided under them.
    const soloId = (await call(gateway, "GET", "/v1/me", solo)).body.id as string;
    expect(
      (await call(gateway, "PATCH", `/admin/v1/keys/${soloId}`, MASTER, { limits: { rpm: 1000 } })).status,
    ).toBe(200);
    let answered = 0;
    for (let attempt = 0; attempt < 20 && answered === 0; attempt++) {
      if ((await chat(solo)).status === 200) answered++;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answered).toBe(1);
  });

  it("lets only a master key change limits through MLflow's set_limits when keys are in use", async () => {
    const gateway = await gatewayWith(CHAT);
    const key = await createKey(gateway, { alias: "app" });
    const body = { route: "chat", limits: [{ calls: 5, renewal_period: "minute" }] };
    const withKey = await call(gateway, "POST", "/api/2.0/gateway/limits", key, body);
    expect(withKey.status).toBe(401);
    expect(withKey.body.detail).toMatch(/master key/);
    expect((await call(gateway, "GET", "/api/2.0/gateway/limits/chat", key)).body).toEqual({ limits: [] });
    const withMaster = await call(gateway, "POST", "/api/2.0/gateway/limits", MASTER, body);
    expect(withMaster.status).toBe(200);
    expect((await call(gateway, "GET", "/api/2.0/gateway/limits/chat", key)).body).toEqual({
      limits: [{ calls: 5, key: null, renewal_period: "minute" }],
    });
  });
});

describe("GET /admin/v1/usage", () => {
  it("sums requests, tokens and cost by key and route, and refuses a bad query naming the parameter", async () => {
    const gateway = await gatewayWith(CHAT);
    const key = await createKey(gateway, { alias: "reporting" });
    for (let index = 0; index < 3; index++)
      expect(
        (await call(gateway, "POST", "/v1/chat/completions", key, { model: "chat", messages, max_tokens: 8 }))
          .status,
      ).toBe(200);
    const id = (await call(gateway, "GET", "/v1/me", key)).body.id as string;
    await gateway.usageRecords();
    // Usage records reach the owner in batches (flushed above); the aggregates are read through it.
    const usage = await call(gateway, "GET", `/admin/v1/usage?group_by=key,route&key=${id}`, MASTER);
    expect(usage.status).toBe(200);
    const rows = usage.body.data as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: id, route: "chat", requests: 3, unpriced_requests: 0 });
    expect(usdToNano(rows[0]?.cost_usd as string)).toBe(rows[0]?.cost_nano_usd);
    const bad = await call(gateway, "GET", "/admin/v1/usage?group_by=user", MASTER);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { param: "group_by" } });
    expect((await call(gateway, "GET", "/admin/v1/usage", key)).status).toBe(401);
  });
});
