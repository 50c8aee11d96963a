import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AccessGateway,
  governanceYaml,
  MASTER_KEY,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "../access/access-gateway.js";
import { findChromium } from "../support/chromium.js";
import { type ConsoleTab, closeTab, launchChromium, openTab } from "./console-browser.js";

/**
 * The console on a gateway that requires keys, in Chromium: it asks once for the admin key (kept for the tab
 * only, sent in a header only), says why a wrong key is refused, and then manages gateway keys through the
 * admin API: a key created in the page works on /v1 and stops working once revoked in the page.
 */

const chromiumPath = findChromium();
let gateway: AccessGateway;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let tab: ConsoleTab | undefined;

/** What Chromium logs for a fetch answered 4xx: expected where a test sends a wrong key or a bad field. */
const REFUSED_FETCH = /Failed to load resource: the server responded with a status of 40[01]/;

async function open(name: string, hash: string): Promise<ConsoleTab> {
  const opened = await openTab(browser, gateway.url);
  tab = opened;
  opened.name = name;
  await opened.page.goto(`${gateway.url}/ui${hash}`);
  return opened;
}

async function signIn(opened: ConsoleTab, key: string): Promise<void> {
  await opened.page.locator("#sign-in-key").fill(key);
  await opened.page.locator("#sign-in-submit").click();
}

async function chatStatus(key: string, route = "chat"): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: route, messages: [{ role: "user", content: "hello" }] }),
  });
  await response.text();
  return response.status;
}

describe.skipIf(chromiumPath === undefined)("the web console with gateway keys, in Chromium", () => {
  beforeAll(async () => {
    gateway = await startAccessGateway((directory) => routesYaml() + governanceYaml(directory));
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

  it("asks once for the admin key, says why a wrong one is refused, and keeps the right one for this tab only", async () => {
    const opened = await open("sign-in", "#/routes");
    const { page } = opened;
    const statuses: number[] = [];
    page.on("response", (response) => statuses.push(response.status()));
    await page.locator("#sign-in").waitFor();
    // The page learnt that a key is needed before reading anything: no refused request yet.
    expect(statuses).not.toContain(401);

    await signIn(opened, "sy-master-wrong-0123456789-abcdefghij");
    const error = page.locator("#sign-in-error");
    await expect.poll(async () => error.textContent()).toContain("The master key is not valid");
    expect(await error.textContent()).toMatch(/^The gateway refused this key: /);

    const { key: gatewayKey } = await gateway.createKey({ alias: "not-an-admin" });
    await signIn(opened, gatewayKey);
    await expect.poll(async () => error.textContent()).toContain("a gateway key cannot manage keys");
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);

    await signIn(opened, MASTER_KEY);
    await page.locator("#routes tbody tr").first().waitFor();
    expect(await page.locator("#session").getAttribute("data-state")).toBe("signed-in");
    await page.getByRole("link", { name: "Traffic" }).click();
    await page.locator("#feed-status.live").waitFor();

    // The same tab keeps it across a reload; a new tab (a new browser session) asks again.
    await page.reload();
    await page.locator("#feed-status.live").waitFor();
    expect(await page.locator("#sign-in").count()).toBe(0);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    expect(await page.context().cookies()).toEqual([]);
    const other = await openTab(browser, gateway.url);
    await other.page.goto(`${gateway.url}/ui#/routes`);
    await other.page.locator("#sign-in").waitFor();
    await other.page.context().close();

    // Never in a URL, never in the gateway's log.
    expect(opened.requests.filter((url) => url.includes(MASTER_KEY))).toEqual([]);
    expect(gateway.logs()).not.toContain(MASTER_KEY);
    expect(opened.external).toEqual([]);
    expect(opened.errors.filter((message) => !REFUSED_FETCH.test(message))).toEqual([]);

    // Signing out forgets it.
    await page.locator("#sign-out").click();
    await page.reload();
    await page.locator("#sign-in").waitFor();
  });

  it("renders every page once signed in, with no console error and no request leaving the gateway", async () => {
    const opened = await open("every-page-signed-in", "#/routes");
    await signIn(opened, MASTER_KEY);
    const { page } = opened;
    await page.locator("#routes tbody tr").first().waitFor();
    await page.getByRole("link", { name: "Traffic" }).click();
    await page.locator("[data-chart] canvas").nth(3).waitFor();
    await page.getByRole("link", { name: "Usage and budgets" }).click();
    await page.locator("#usage").waitFor();
    await page.getByRole("link", { name: "Keys" }).click();
    await page.locator("#keys").waitFor();
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator("#audit").waitFor();
    await page.getByRole("link", { name: "Playground" }).click();
    await page.locator("#pg-send").waitFor();
    expect(opened.external).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it("creates a key whose secret is shown once and works on /v1, changes its scopes and limits, rotates it, and revokes it", async () => {
    const opened = await open("keys", "#/keys");
    const { page } = opened;
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: gateway.url });
    await signIn(opened, MASTER_KEY);
    await page.locator("#create-key").waitFor();

    await page.locator("#new-key-alias").fill("made-in-the-page");
    await page.locator("#new-key-routes").fill("chat");
    await page.locator("#new-key-create").click();
    const secretValue = page.locator("#new-secret-value");
    await secretValue.waitFor();
    const secret = (await secretValue.textContent()) ?? "";
    const id = (await page.locator("#new-secret").getAttribute("data-key-id")) ?? "";
    expect(secret).toMatch(new RegExp(`^sk-sy-${id}-[0-9A-Za-z]{49}$`));
    await page.locator("#copy-secret").click();
    await expect.poll(async () => page.locator("#copy-status").textContent()).toBe("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    // Shown once: gone when dismissed, and nowhere in the list.
    await page.locator("#dismiss-secret").click();
    const row = page.locator(`tr[data-key="${id}"]`);
    await row.waitFor();
    expect(await page.locator("#keys").textContent()).not.toContain(secret);

    // It works against /v1, inside its scope only.
    expect(await chatStatus(secret)).toBe(200);
    expect(await chatStatus(secret, "chat-b")).toBe(403);

    // Scopes and limits, changed in the page; a scope naming no route is refused with the gateway's message.
    await row.getByRole("button", { name: "Edit" }).click();
    await page.locator(`#edit-${id}-routes`).fill("chta");
    await page.locator('[data-action="save-key"]').click();
    // Shown beside the field it names.
    await expect
      .poll(async () => page.locator(`tr[data-editing="${id}"] [data-error-for="routes"]`).textContent())
      .toContain("matches no route");
    await page.locator(`#edit-${id}-routes`).fill("chat, chat-b");
    await page.locator(`#edit-${id}-rpm`).fill("100");
    await page.locator('[data-action="save-key"]').click();
    await expect.poll(async () => row.locator('[data-field="scopes"]').textContent()).toContain("chat-b");
    expect(await row.locator('[data-field="limits"]').textContent()).toContain("rpm: 100");
    const changed = await gateway.admin("GET", `/keys/${id}`);
    expect(changed.body).toMatchObject({ routes: ["chat", "chat-b"], limits: { rpm: 100 } });
    await expect.poll(() => chatStatus(secret, "chat-b")).toBe(200);

    // Rotation with no grace: a new secret, shown once; the old one ends at once.
    await row.getByRole("button", { name: "Rotate" }).click();
    await row.locator('[data-action="rotate-now"]').click();
    await expect.poll(async () => secretValue.textContent()).not.toBe(secret);
    const rotated = (await secretValue.textContent()) ?? "";
    expect(rotated).toMatch(new RegExp(`^sk-sy-${id}-`));
    await expect.poll(() => chatStatus(secret)).toBe(401);
    expect(await chatStatus(rotated)).toBe(200);

    // Revoked in the page: it stops working.
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.locator('[data-action="confirm-revoke"]').click();
    await page.locator(`tr[data-key="${id}"][data-status="revoked"]`).waitFor();
    await expect.poll(() => chatStatus(rotated)).toBe(401);

    // A group, created in the page.
    await page.locator("#group-id").fill("search-team");
    await page.locator("#group-rpm").fill("600");
    await page.locator("#group-save").click();
    await page.locator('tr[data-group="search-team"]').waitFor();
    expect((await gateway.admin("GET", "/groups/search-team")).body).toMatchObject({ limits: { rpm: 600 } });

    // Every change is in the audit log, read in the page.
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator("#audit").waitFor();
    const actions = await page
      .locator(`#audit tr[data-object="${id}"]`)
      .evaluateAll((rows) => rows.map((entry) => entry.getAttribute("data-action")));
    expect(actions).toEqual(["key.revoke", "key.rotate", "key.update", "key.create"]);
    await page.locator(`#audit tr[data-action="key.revoke"]`).click();
    expect(await page.locator("#audit pre.raw").textContent()).toContain('"status": "revoked"');
    expect(await page.locator("#audit").textContent()).toContain("master:ops");

    expect(opened.external).toEqual([]);
    expect(opened.errors.filter((message) => !/status of 400/.test(message))).toEqual([]);
  });
  it("sets a key's limits and budget with the form, shows a refused field beside it, and /v1 enforces the limit", async () => {
    const opened = await open("limits-form", "#/keys");
    const { page } = opened;
    await signIn(opened, MASTER_KEY);
    await page.locator("#create-key").waitFor();
    await page.locator("#new-key-alias").fill("two-a-minute");
    await page.locator("#new-key-rpm").fill("0");
    await page.locator("#new-key-create").click();
    // The admin API's refusal, beside the field it names; the rest of the form is kept.
    const rpmError = page.locator('#create-key [data-error-for="limits.rpm"]');
    await expect.poll(async () => rpmError.textContent()).toContain("'limits.rpm'");
    expect(await page.locator("#new-key-alias").inputValue()).toBe("two-a-minute");
    await page.locator("#new-key-rpm").fill("2");
    await page.locator("#new-key-add-budget").click();
    await page.locator("#new-key-budget-0-amount").fill("-1");
    await page.locator("#new-key-budget-0-period").selectOption("day");
    await page.locator("#new-key-create").click();
    const amountError = page.locator('#create-key [data-error-for="budgets.0.amount_usd"]');
    await expect.poll(async () => amountError.textContent()).toContain("amount in USD");
    expect(await rpmError.count()).toBe(0);
    await page.locator("#new-key-budget-0-amount").fill("10");
    await page.locator("#new-key-create").click();
    const secretValue = page.locator("#new-secret-value");
    await secretValue.waitFor();
    const secret = (await secretValue.textContent()) ?? "";
    const id = (await page.locator("#new-secret").getAttribute("data-key-id")) ?? "";
    expect((await gateway.admin("GET", `/keys/${id}`)).body).toMatchObject({
      limits: { rpm: 2 },
      budgets: [{ amount_usd: "10", period: "day", action: "reject" }],
    });
    expect(await page.locator(`tr[data-key="${id}"] [data-field="limits"]`).textContent()).toContain(
      "rpm: 2",
    );

    // Two requests a minute: the third is refused with a 429 naming the key's limit.
    expect(await chatStatus(secret)).toBe(200);
    expect(await chatStatus(secret)).toBe(200);
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("rpm");
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect(opened.external).toEqual([]);
    expect(opened.errors.filter((message) => !/status of 400/.test(message))).toEqual([]);
  });

  it("pages through more keys than a page holds, forward and back", async () => {
    for (let index = 0; index < 55; index++)
      await gateway.createKey({ alias: `bulk-${String(index).padStart(2, "0")}` });
    const all = (await gateway.admin("GET", "/keys?limit=1000")).body as { data: { id: string }[] };
    const total = all.data.length;
    expect(total).toBeGreaterThan(50);
    const ids = all.data.map((key) => key.id);
    const opened = await open("keys-paging", "#/keys");
    const { page } = opened;
    await signIn(opened, MASTER_KEY);
    const rows = page.locator("#keys tbody tr[data-key]");
    const shown = () => rows.evaluateAll((list) => list.map((row) => row.getAttribute("data-key")));
    await rows.first().waitFor();
    expect(await shown()).toEqual(ids.slice(0, 50));
    expect(await page.locator("#keys-range").textContent()).toBe("keys 1–50");
    expect(await page.locator("#keys-previous").isDisabled()).toBe(true);
    await page.locator("#keys-next").click();
    await expect.poll(shown).toEqual(ids.slice(50, 100));
    expect(await page.locator("#keys-range").textContent()).toBe(`keys 51–${Math.min(100, total)}`);
    if (total <= 100) expect(await page.locator("#keys-next").isDisabled()).toBe(true);
    await page.locator("#keys-previous").click();
    await expect.poll(shown).toEqual(ids.slice(0, 50));
    // One page at a time from the admin API, never the whole list.
    const listed = opened.requests.filter((url) => new URL(url).pathname === "/admin/v1/keys");
    for (const url of listed) expect(Number(new URL(url).searchParams.get("limit"))).toBeLessThanOrEqual(50);
    expect(listed.filter((url) => new URL(url).searchParams.has("cursor"))).toHaveLength(1);
    expect(opened.external).toEqual([]);
    expect(opened.errors).toEqual([]);
  });
});
