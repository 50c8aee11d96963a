import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { usdToNano } from "../../src/config/governance/limit-blocks.js";
import {
  type AccessGateway,
  bearer,
  governanceYaml,
  MASTER_KEY,
  removeDirectory,
  startAccessGateway,
} from "../access/access-gateway.js";
import { findChromium } from "../support/chromium.js";
import { type ConsoleTab, closeTab, launchChromium, openTab } from "./console-browser.js";

/**
 * The Usage and budgets page in Chromium, against a gateway with keys, a priced route and an unpriced one: the
 * spend of the last hour by key (as the usage API's hourly buckets sum it) with its time series, by group and
 * route, unpriced calls shown apart; every budget (the gateway's, a route's, a key's) with its spend and reset
 * time; and the playground's cost.
 */

const chromiumPath = findChromium();
let gateway: AccessGateway;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let tab: ConsoleTab | undefined;

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

interface UsageRow {
  key: string | null;
  requests: number;
  cost_nano_usd: number;
  unpriced_requests: number;
}

async function chat(key: string, route: string): Promise<void> {
  const answer = await gateway.request("POST", "/v1/chat/completions", {
    headers: bearer(key),
    body: { model: route, messages: [{ role: "user", content: "How much does this cost?" }] },
  });
  expect(answer.status).toBe(200);
}

async function usageByKey(): Promise<UsageRow[]> {
  // The page's "Last hour": the hour buckets that hold the last 60 minutes.
  const from = new Date(Date.now() - 3_600_000).toISOString().slice(0, 13);
  const answer = await gateway.admin("GET", `/usage?bucket=hour&from=${from}:00Z&group_by=key`);
  expect(answer.status).toBe(200);
  return (answer.body as { data: UsageRow[] }).data;
}

describe.skipIf(chromiumPath === undefined)("the usage and budgets page, in Chromium", () => {
  beforeAll(async () => {
    gateway = await startAccessGateway(
      (directory) =>
        ROUTES +
        governanceYaml(directory, "  budgets: [{ name: gateway-month, amount_usd: 1000, period: month }]\n"),
    );
    browser = await launchChromium(chromiumPath as string);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (gateway !== undefined) removeDirectory(gateway.directory);
  });

  afterEach(async ({ task }) => {
    await closeTab(tab, task);
    tab = undefined;
  });

  it("sees the spend of the last hour by key with its time series, unpriced calls apart, and every budget with its spend and reset", async () => {
    expect((await gateway.admin("POST", "/groups", { id: "team" })).status).toBe(201);
    const alpha = await gateway.createKey({
      alias: "alpha",
      group: "team",
      budgets: [{ amount_usd: "5", period: "day" }],
    });
    const beta = await gateway.createKey({ alias: "beta" });
    for (let index = 0; index < 3; index++) await chat(alpha.key, "chat");
    await chat(beta.key, "chat");
    await chat(beta.key, "free");
    await chat(beta.key, "free");
    // The aggregates are written off the request path: wait until the usage API counts every call.
    await expect
      .poll(async () => (await usageByKey()).reduce((sum, row) => sum + row.requests, 0), { timeout: 10_000 })
      .toBe(6);
    const byKey = new Map((await usageByKey()).map((row) => [row.key, row]));
    const alphaUsage = byKey.get(alpha.id);
    const betaUsage = byKey.get(beta.id);
    expect(alphaUsage?.cost_nano_usd).toBeGreaterThan(0);
    expect(betaUsage?.unpriced_requests).toBe(2);
    // Budgets are charged when each call settles, off its path: wait until the limit store has them all.
    const pricedCost = (alphaUsage?.cost_nano_usd ?? 0) + (betaUsage?.cost_nano_usd ?? 0);
    await expect
      .poll(async () => {
        const answer = await gateway.admin("GET", "/budgets?scope=route");
        const spent = (answer.body as { data: { spent_usd: string | null }[] }).data[0]?.spent_usd;
        return usdToNano(spent ?? "0");
      })
      .toBe(pricedCost);

    const opened = await openTab(browser, gateway.url);
    tab = opened;
    opened.name = "usage";
    const { page } = opened;
    await page.goto(`${gateway.url}/ui#/usage`);
    await page.locator("#sign-in-key").fill(MASTER_KEY);
    await page.locator("#sign-in-submit").click();

    // The last hour by key, the default: each key's spend as the usage API's hourly buckets sum it.
    expect(await page.locator("#usage").getAttribute("data-range")).toBe("1h");
    const alphaRow = page.locator(`#usage tr[data-usage="${alpha.id}"]`);
    await alphaRow.waitFor();
    expect(await alphaRow.locator("td").first().textContent()).toBe(`alpha (${alpha.id})`);
    expect(Number(await alphaRow.locator('[data-field="spend"]').getAttribute("data-nano"))).toBe(
      alphaUsage?.cost_nano_usd,
    );
    expect(await alphaRow.locator('[data-field="requests"]').textContent()).toBe("3");
    const betaRow = page.locator(`#usage tr[data-usage="${beta.id}"]`);
    expect(Number(await betaRow.locator('[data-field="spend"]').getAttribute("data-nano"))).toBe(
      betaUsage?.cost_nano_usd,
    );
    expect(await betaRow.locator('[data-field="spend"]').textContent()).toContain("+ unknown");
    expect(await betaRow.locator('[data-field="unpriced"]').textContent()).toBe("2 unpriced");
    expect(await page.locator("#usage-total").getAttribute("data-requests")).toBe("6");
    expect(await page.locator("#usage-unpriced").textContent()).toContain("2 unpriced");
    // Spend and tokens over time: one point per hour, a line per key.
    const spendChart = page.locator('[data-chart="Spend over time"] [data-buckets]');
    await page.locator('[data-chart="Spend over time"] canvas').first().waitFor();
    expect(await spendChart.getAttribute("data-buckets")).toBe("2");
    expect(await spendChart.getAttribute("data-lines")).toBe("2");

    // The last 24 hours: the same calls, 24 hourly points.
    await page.locator("#usage-range").selectOption("24h");
    await expect.poll(async () => spendChart.getAttribute("data-buckets")).toBe("24");
    expect(await alphaRow.locator('[data-field="requests"]').textContent()).toBe("3");

    // By group (a key's group), and by route: the unpriced route is all unpriced.
    await page.locator("#usage-by").selectOption("group");
    await page.locator('#usage tr[data-usage="team"]').waitFor();
    expect(await page.locator('#usage tr[data-usage="team"] [data-field="requests"]').textContent()).toBe(
      "3",
    );
    await page.locator("#usage-by").selectOption("route");
    await page.locator('#usage tr[data-usage="free"] [data-field="unpriced"]').waitFor();
    expect(await page.locator('#usage tr[data-usage="free"] [data-field="unpriced"]').textContent()).toBe(
      "2 unpriced",
    );

    // Every budget: the gateway's, the route's and alpha's, with what its window has spent as the limit store
    // counts it (the same figures as GET /admin/v1/budgets) and when it resets.
    const listed = (await gateway.admin("GET", "/budgets")).body as {
      data: { scope: string; id: string; spent_usd: string; reset_at: string }[];
    };
    expect(listed.data.map((budget) => `${budget.scope}:${budget.id}`)).toEqual([
      "global:",
      "route:chat",
      `key:${alpha.id}`,
    ]);
    for (const budget of listed.data) {
      const line = page.locator(`#budgets tr[data-budget="${budget.scope}:${budget.id}"]`);
      await line.locator('[data-field="spent"][data-source="limit store"]').waitFor();
      expect(Number(await line.locator('[data-field="spent"]').getAttribute("data-nano"))).toBe(
        usdToNano(budget.spent_usd),
      );
      expect(await line.locator('[data-field="reset"]').getAttribute("data-reset")).toBe(budget.reset_at);
    }
    const routeBudget = page.locator('#budgets tr[data-budget="route:chat"]');
    // The route's budget counts every key's calls on it: alpha's and beta's priced one.
    expect(Number(await routeBudget.locator('[data-field="spent"]').getAttribute("data-nano"))).toBe(
      (alphaUsage?.cost_nano_usd ?? 0) + (betaUsage?.cost_nano_usd ?? 0),
    );
    expect(await routeBudget.textContent()).toContain("$50 per day");
    expect(await page.locator('#budgets tr[data-budget="global:"]').textContent()).toContain(
      "the whole gateway",
    );
    const budget = page.locator(`#budgets tr[data-budget="key:${alpha.id}"]`);
    expect(Number(await budget.locator('[data-field="spent"]').getAttribute("data-nano"))).toBe(
      alphaUsage?.cost_nano_usd,
    );
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(await budget.locator('[data-field="reset"]').getAttribute("data-reset")).toBe(
      midnight.toISOString(),
    );
    expect(await budget.textContent()).toContain("$5 per day");

    // The playground shows what a call cost, and says so when the model has no price.
    await page.getByRole("link", { name: "Playground" }).click();
    await page.locator("#pg-route").selectOption("chat");
    await page.locator("#pg-key").fill(alpha.key);
    await page.locator("#pg-send").click();
    await expect.poll(async () => page.locator("#pg-cost").textContent()).toMatch(/^\$0\.\d+/);
    await page.locator("#pg-route").selectOption("free");
    await page.locator("#pg-send").click();
    await expect.poll(async () => page.locator("#pg-cost").textContent()).toBe("unpriced");

    expect(opened.external).toEqual([]);
    expect(opened.errors).toEqual([]);
  });
});
