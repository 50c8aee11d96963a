import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import {
  type AccessGateway,
  bearer,
  governanceYaml,
  MASTER_KEY,
  removeDirectory,
  startAccessGateway,
} from "../access/access-gateway.js";
import { findChromium } from "../support/chromium.js";
import { type ConsoleTab, launchChromium, openTab } from "./console-browser.js";

/**
 * The Usage and budgets page in Chromium, against a gateway with keys, a priced route and an unpriced one: the
 * spend of the last hour by key (as the usage API sums it), unpriced calls shown apart, a key's budget with its
 * spend and reset time, and the playground's cost.
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
  const answer = await gateway.admin("GET", "/usage?group_by=key");
  expect(answer.status).toBe(200);
  return (answer.body as { data: UsageRow[] }).data;
}

describe.skipIf(chromiumPath === undefined)("the usage and budgets page, in Chromium", () => {
  beforeAll(async () => {
    gateway = await startAccessGateway((directory) => ROUTES + governanceYaml(directory));
    browser = await launchChromium(chromiumPath as string);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (gateway !== undefined) removeDirectory(gateway.directory);
  });

  afterEach(async () => {
    await tab?.page.context().close();
    tab = undefined;
  });

  it("sees the spend of the last hour by key, unpriced calls apart, and a key's budget with its spend and reset", async () => {
    const alpha = await gateway.createKey({ alias: "alpha", budgets: [{ amount_usd: "5", period: "day" }] });
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

    const opened = await openTab(browser, gateway.url);
    tab = opened;
    onTestFailed(async () => void (await opened.screenshot("usage")));
    const { page } = opened;
    await page.goto(`${gateway.url}/ui#/usage`);
    await page.locator("#sign-in-key").fill(MASTER_KEY);
    await page.locator("#sign-in-submit").click();

    // Today (UTC) by key, the default: the calls of the last hour, each key's spend as the usage API sums it.
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
    await page.locator('[data-chart="Spend per day"] canvas').first().waitFor();

    // By route: the unpriced route is all unpriced.
    await page.locator("#usage-by").selectOption("route");
    await page.locator('#usage tr[data-usage="free"] [data-field="unpriced"]').waitFor();
    expect(await page.locator('#usage tr[data-usage="free"] [data-field="unpriced"]').textContent()).toBe(
      "2 unpriced",
    );

    // Alpha's daily budget: what today has spent of it as the limit store counts it (the key's live quota), and
    // its reset at the next UTC midnight.
    const budget = page.locator(`#budgets tr[data-budget="key:${alpha.id}"]`);
    await budget.locator('[data-field="spent"][data-source="limit store"]').waitFor();
    expect(Number(await budget.locator('[data-field="spent"]').getAttribute("data-nano"))).toBe(
      alphaUsage?.cost_nano_usd,
    );
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    const reset = Date.parse((await budget.locator('[data-field="reset"]').getAttribute("data-reset")) ?? "");
    // The limit store says when the window ends (its last millisecond), not a wall clock: within a second.
    expect(Math.abs(reset - midnight.getTime())).toBeLessThan(1000);
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
