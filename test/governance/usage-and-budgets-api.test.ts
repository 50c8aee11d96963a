import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usdToNano } from "../../src/config/governance/limit-blocks.js";
import {
  type AccessGateway,
  bearer,
  governanceYaml,
  MASTER_KEY,
  PEPPER,
  removeDirectory,
  startAccessGateway,
} from "../access/access-gateway.js";

/**
 * The admin API's usage by hour (`GET /admin/v1/usage?bucket=hour`) and its list of every budget with its
 * consumption (`GET /admin/v1/budgets`): the gateway's, a route's, a group's and a key's, read from the limit
 * store as the request path charges them; master key only, field-named 400s, no secret in any answer.
 */

const ROUTES = `routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: mock, name: mock-echo }
    price: { input_per_mtok: 10, output_per_mtok: 20 }
    budgets: [{ amount_usd: 50, period: day }]
  - name: free
    type: llm/v1/chat
    model: { provider: mock, name: mock-echo }
`;
const GLOBAL_BUDGET =
  "  budgets: [{ name: berlin-month, amount_usd: 1000, period: month, tz: Europe/Berlin }]\n  usage_log: { sinks: [] }\n";

let gateway: AccessGateway;
let alpha: { id: string; key: string };
let beta: { id: string; key: string };
/** What the answers of these tests sent, to scan for secrets. */
let answers = "";

async function admin(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await gateway.admin("GET", path);
  answers += answer.text;
  return { status: answer.status, body: answer.body as Record<string, unknown> };
}

async function chat(key: string, route: string): Promise<void> {
  const answer = await gateway.request("POST", "/v1/chat/completions", {
    headers: bearer(key),
    body: { model: route, messages: [{ role: "user", content: "What is the time?" }] },
  });
  expect(answer.status).toBe(200);
}

type Row = Record<string, unknown> & { requests: number; cost_nano_usd: number };

/** The hour before this one, as `from`: the calls of these tests are in it or in the current hour. */
const lastHours = () => new Date(Date.now() - 3_600_000).toISOString().slice(0, 13);

beforeAll(async () => {
  gateway = await startAccessGateway((directory) => ROUTES + governanceYaml(directory, GLOBAL_BUDGET));
  expect(
    (await gateway.admin("POST", "/groups", { id: "team", budgets: [{ amount_usd: 20, period: "week" }] }))
      .status,
  ).toBe(201);
  alpha = await gateway.createKey({
    alias: "alpha",
    group: "team",
    budgets: [{ amount_usd: "5", period: "day", tz: "Asia/Tokyo" }],
  });
  beta = await gateway.createKey({ alias: "beta" });
  for (let index = 0; index < 3; index++) await chat(alpha.key, "chat");
  await chat(beta.key, "chat");
  await chat(beta.key, "free");
  // Written off the request path: wait until the aggregates count every call.
  for (let tries = 0; tries < 100; tries++) {
    const rows = (await admin(`/usage?bucket=hour&from=${lastHours()}`)).body.data as Row[];
    if (rows[0]?.requests === 5) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await gateway?.close();
  if (gateway !== undefined) removeDirectory(gateway.directory);
});

describe("GET /admin/v1/usage?bucket=hour", () => {
  it("sums the last hours by hour, key, group, route and model, unpriced calls apart", async () => {
    const byHour = await admin(`/usage?bucket=hour&from=${lastHours()}Z&group_by=hour,key`);
    expect(byHour.status).toBe(200);
    expect(byHour.body).toMatchObject({ bucket: "hour", group_by: ["hour", "key"] });
    expect(String(byHour.body.from)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/);
    const rows = byHour.body.data as Row[];
    for (const row of rows) expect(String(row.hour)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/);
    const sumOf = (list: Row[], key: string) =>
      list.filter((row) => row.key === key).reduce((sum, row) => sum + row.requests, 0);
    expect(sumOf(rows, alpha.id)).toBe(3);
    expect(sumOf(rows, beta.id)).toBe(2);
    // The hours hold what the day holds (every call was made today, this hour or at worst the one before).
    const from = lastHours();
    const hours = (await admin(`/usage?bucket=hour&from=${from}:00Z&group_by=key`)).body.data as Row[];
    const days = (await admin("/usage?group_by=key")).body.data as Row[];
    for (const key of [alpha.id, beta.id]) {
      const hour = hours.find((row) => row.key === key);
      const day = days.find((row) => row.key === key);
      expect(hour?.cost_nano_usd).toBe(day?.cost_nano_usd);
      expect(hour?.cost_nano_usd).toBeGreaterThan(0);
    }
    const byGroup = (await admin(`/usage?bucket=hour&from=${from}&group_by=group`)).body.data as Row[];
    expect(Object.fromEntries(byGroup.map((row) => [String(row.group), row.requests]))).toEqual({
      null: 2,
      team: 3,
    });
    const byRoute = (await admin(`/usage?bucket=hour&from=${from}&group_by=route`)).body.data as Row[];
    expect(byRoute.find((row) => row.route === "free")).toMatchObject({
      requests: 1,
      cost_nano_usd: 0,
      unpriced_requests: 1,
    });
  });

  it("refuses a bad bucket, time or dimension with a 400 naming the parameter and what it takes", async () => {
    const minute = await admin("/usage?bucket=minute");
    expect(minute.status).toBe(400);
    expect(minute.body).toMatchObject({
      error: { param: "bucket", message: expect.stringContaining("'bucket' takes day or hour") },
    });
    const day = await admin("/usage?bucket=hour&group_by=day");
    expect(day.status).toBe(400);
    expect(day.body).toMatchObject({
      error: { param: "group_by", message: expect.stringContaining("hour") },
    });
    expect((await admin("/usage?bucket=hour&to=yesterday")).body).toMatchObject({ error: { param: "to" } });
  });

  it("needs the master key", async () => {
    expect((await gateway.request("GET", "/admin/v1/usage?bucket=hour")).status).toBe(401);
    expect(
      (await gateway.request("GET", "/admin/v1/usage?bucket=hour", { headers: bearer(alpha.key) })).status,
    ).toBe(401);
  });
});

interface Budget {
  scope: string;
  id: string;
  alias?: string | null;
  name: string;
  amount_usd: string;
  period: string;
  tz: string;
  spent_usd: string | null;
  remaining_usd: string | null;
  window_start: string;
  reset_at: string;
}

describe("GET /admin/v1/budgets", () => {
  it("lists the gateway's, a route's, a group's and a key's budgets with what their window spent and its reset", async () => {
    const usage = (await admin("/usage?group_by=key,route")).body.data as Row[];
    const chatCost = usage
      .filter((row) => row.route === "chat")
      .reduce((sum, row) => sum + row.cost_nano_usd, 0);
    const alphaCost = usage
      .filter((row) => row.key === alpha.id)
      .reduce((sum, row) => sum + row.cost_nano_usd, 0);
    expect(chatCost).toBeGreaterThan(alphaCost);
    // Settled after each answer, off its path: poll until the limit store has every call's real cost.
    const listed = async () => {
      const answer = await admin("/budgets");
      expect(answer.status).toBe(200);
      expect(answer.body.state_known).toBe(true);
      return answer.body.data as Budget[];
    };
    await expect
      .poll(async () =>
        usdToNano((await listed()).find((budget) => budget.scope === "route")?.spent_usd ?? "0"),
      )
      .toBe(chatCost);
    const budgets = await listed();
    expect(budgets.map((budget) => [budget.scope, budget.id, budget.name])).toEqual([
      ["global", "", "berlin-month"],
      ["route", "chat", "day"],
      ["group", "team", "week"],
      ["key", alpha.id, "day"],
    ]);
    const [global, route, group, key] = budgets as [Budget, Budget, Budget, Budget];
    expect(usdToNano(global.spent_usd ?? "")).toBe(chatCost);
    expect(usdToNano(group.spent_usd ?? "")).toBe(alphaCost);
    expect(usdToNano(key.spent_usd ?? "")).toBe(alphaCost);
    expect(key.alias).toBe("alpha");
    expect(usdToNano(route.remaining_usd ?? "")).toBe(50e9 - chatCost);
    // Windows: the UTC day, the hour, the week from Monday, the month in Berlin.
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(route.reset_at).toBe(midnight.toISOString());
    expect(Date.parse(route.window_start)).toBe(midnight.getTime() - 86_400_000);
    // Midnight in Tokyo (UTC+9, no daylight saving) is 15:00 UTC.
    expect(key).toMatchObject({ tz: "Asia/Tokyo", amount_usd: "5" });
    expect(new Date(key.reset_at).getUTCHours()).toBe(15);
    expect(Date.parse(key.reset_at) - Date.parse(key.window_start)).toBe(86_400_000);
    expect(new Date(group.window_start).getUTCDay()).toBe(1);
    expect(global).toMatchObject({ tz: "Europe/Berlin", period: "month", amount_usd: "1000" });
    expect(new Date(global.reset_at).getUTCHours()).toBeGreaterThanOrEqual(22);
  });

  it("pages, filters by scope and id, and refuses bad parameters naming them", async () => {
    const first = await admin("/budgets?limit=3");
    expect((first.body.data as Budget[]).length).toBe(3);
    expect(first.body.next_cursor).toBe("3");
    const rest = await admin(`/budgets?limit=3&cursor=${first.body.next_cursor}`);
    expect((rest.body.data as Budget[]).map((budget) => budget.scope)).toEqual(["key"]);
    expect(rest.body.next_cursor).toBeNull();
    expect(((await admin("/budgets?scope=route")).body.data as Budget[]).map((budget) => budget.id)).toEqual([
      "chat",
    ]);
    expect((await admin("/budgets?scope=key&id=nobody")).body.data as Budget[]).toEqual([]);
    for (const [query, param] of [
      ["scope=team", "scope"],
      ["limit=0", "limit"],
      ["cursor=next", "cursor"],
      ["colour=red", "colour"],
    ]) {
      const refused = await admin(`/budgets?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body, query).toMatchObject({ error: { param } });
    }
  });

  it("needs the master key, and no answer holds a secret", async () => {
    expect((await gateway.request("GET", "/admin/v1/budgets")).status).toBe(401);
    expect((await gateway.request("GET", "/admin/v1/budgets", { headers: bearer(beta.key) })).status).toBe(
      401,
    );
    await admin("/budgets");
    await admin("/usage?bucket=hour&group_by=hour,key,group,route,model");
    for (const secret of [MASTER_KEY, PEPPER, alpha.key, beta.key]) expect(answers).not.toContain(secret);
    expect(answers).toContain(alpha.id);
  });
});
