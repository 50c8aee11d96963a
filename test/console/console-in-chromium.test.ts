import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  type MockUpstream,
  openAIChatStreamFrames,
  openAIError,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { configText, openAITarget } from "../resilience/resilience-config.js";
import { findChromium } from "../support/chromium.js";
import { type ConsoleTab, closeTab, launchChromium, openTab } from "./console-browser.js";

/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against a gateway on
 * loopback with a mock provider: every page renders offline (no request leaves the gateway, no console error,
 * CSP in force), the routes page shows the config and a breaker opening, the traffic chart follows live
 * requests, and the playground shows an answer while it is still streaming. A failed test leaves a screenshot
 * in test-results/console/.
 */

const chromiumPath = findChromium();
const STORY = "Once upon a time a gateway streamed its answers word by word";

let upstream: MockUpstream;
let gateway: GatewayUnderTest;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let tab: ConsoleTab | undefined;

function routesYaml(upstreamUrl: MockUpstream): string {
  const config = JSON.parse(
    configText([
      { name: "story", targets: [openAITarget(upstreamUrl, "gpt-story")], retries: { max_attempts: 1 } },
      {
        name: "flaky",
        targets: [openAITarget(upstreamUrl, "gpt-flaky")],
        retries: { max_attempts: 1 },
        circuit_breaker: { failure_threshold: 2, cooldown_seconds: 300 },
      },
    ]),
  ) as { routes: unknown[] };
  config.routes.push(
    { name: "chat", type: "llm/v1/chat", model: { provider: "mock", name: "mock-echo" } },
    { name: "vectors", type: "llm/v1/embeddings", model: { provider: "mock", name: "mock-embed" } },
  );
  return JSON.stringify(config);
}

async function open(name: string, hash: string): Promise<ConsoleTab> {
  if (browser === undefined) throw new Error("no browser");
  const opened = await openTab(browser, gateway.url);
  tab = opened;
  opened.name = name;
  await opened.page.goto(`${gateway.url}/ui${hash}`);
  return opened;
}

async function chat(route: string, text: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: route, messages: [{ role: "user", content: text }] }),
  });
  await response.text();
  return response.status;
}

describe.skipIf(chromiumPath === undefined)("the web console in Chromium", () => {
  beforeAll(async () => {
    upstream = await startOpenAIMock();
    gateway = await startGateway(routesYaml(upstream));
    browser = await launchChromium(chromiumPath as string);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
  });

  afterEach(async ({ task }) => {
    await closeTab(tab, task);
    tab = undefined;
    upstream.reset();
  });

  it("renders every page with a strict CSP, no console error and no request leaving the gateway", async () => {
    const opened = await openTab(browser, gateway.url);
    tab = opened;
    opened.name = "every-page";
    const response = await opened.page.goto(`${gateway.url}/ui`);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain("unsafe-inline");

    await opened.page.locator("#routes tbody tr").first().waitFor();
    await opened.page.getByRole("link", { name: "Traffic" }).click();
    await opened.page.locator("[data-chart] canvas").nth(3).waitFor();
    // Without master keys the admin pages say so, and ask the gateway nothing it would refuse.
    for (const name of ["Usage and budgets", "Keys"]) {
      await opened.page.getByRole("link", { name }).click();
      await opened.page.locator("#admin-off").waitFor();
    }
    await opened.page.getByRole("link", { name: "Audit log" }).click();
    await opened.page.locator("#admin-off").waitFor();
    await opened.page.getByRole("link", { name: "Playground" }).click();
    await opened.page.locator("#pg-send").waitFor();
    expect(opened.requests.some((url) => new URL(url).pathname.startsWith("/admin/"))).toBe(false);

    expect(opened.requests.some((url) => url.endsWith("/ui/vendor/preact.mjs"))).toBe(true);
    expect(opened.requests.some((url) => url.endsWith("/ui/vendor/uPlot.esm.js"))).toBe(true);
    expect(opened.external).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it("lists the routes of the config and shows a target's breaker opening after failures", async () => {
    const { page, errors } = await open("routes-breaker", "#/routes");
    const rows = page.locator("#routes tbody tr");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-route")))).toEqual([
      "story",
      "flaky",
      "chat",
      "vectors",
    ]);
    const flaky = page.locator('[data-route="flaky"] [data-target="openai/gpt-flaky"]');
    expect(await flaky.getAttribute("data-state")).toBe("closed");
    expect(await page.locator('[data-route="vectors"]').textContent()).toContain("llm/v1/embeddings");

    const failure = {
      kind: "json" as const,
      status: 503,
      body: openAIError("The engine is overloaded", "server_error"),
    };
    upstream.enqueue(failure, failure);
    expect(await chat("flaky", "one")).toBeGreaterThanOrEqual(500);
    expect(await chat("flaky", "two")).toBeGreaterThanOrEqual(500);

    await page.locator('[data-route="flaky"] [data-target="openai/gpt-flaky"][data-state="open"]').waitFor();
    const cell = (await flaky.textContent()) ?? "";
    expect(cell).toContain("2 consecutive failures");
    expect(cell).toContain("last error");
    await expect
      .poll(async () => page.locator('[data-route="flaky"] [data-field="error-rate"]').textContent())
      .toBe("100%");
    expect(await page.locator('[data-route="story"] [data-target]').getAttribute("data-state")).toBe(
      "closed",
    );
    expect(errors).toEqual([]);
  });

  it("redraws the traffic chart as requests flow, and keeps them for a page opened later", async () => {
    const { page, errors } = await open("traffic", "#/traffic");
    await page.locator("#feed-status.live").waitFor();
    const summary = page.locator("#traffic-summary");
    const requestsShown = async (): Promise<number> =>
      Number.parseInt((await summary.textContent()) ?? "", 10);
    const before = await requestsShown();
    const chart = page.locator('[data-chart="Requests per second"] [data-redraws]');
    const redrawsBefore = Number(await chart.getAttribute("data-redraws"));

    for (let index = 0; index < 6; index++) expect(await chat("chat", `request ${index}`)).toBe(200);
    await expect.poll(requestsShown, { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 6);
    expect(Number(await chart.getAttribute("data-redraws"))).toBeGreaterThan(redrawsBefore);

    // One route only: a new connection, whose snapshot holds the requests already made.
    await page.locator("#traffic-route").selectOption("chat");
    await expect.poll(requestsShown, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    await page.locator("#traffic-route").selectOption("vectors");
    await expect.poll(async () => summary.textContent()).toMatch(/^0 requests/);
    expect(errors).toEqual([]);
  });

  it("streams the playground's answer into the page while the upstream is still sending it", async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.enqueue({
      kind: "stream",
      frames: openAIChatStreamFrames({ text: STORY, model: "gpt-story", includeUsage: true }),
      hold: { afterFrames: 4, until: released },
    });
    const { page, errors } = await open("playground", "#/playground");
    await page.locator("#pg-route").selectOption("story");
    await page.locator("#pg-text").fill("Tell me a story");
    await page.locator("#pg-send").click();

    const output = page.locator("#pg-output");
    await page.locator('#pg-output[data-running="true"][data-pieces]:not([data-pieces="0"])').waitFor();
    const partial = (await output.textContent()) ?? "";
    expect(partial.length).toBeGreaterThan(0);
    expect(STORY.startsWith(partial)).toBe(true);
    expect(partial).not.toBe(STORY);
    expect(await page.locator("#pg-ttft").textContent()).not.toBe("–");

    release();
    await page.locator('#pg-output[data-running="false"]').waitFor();
    expect(await output.textContent()).toBe(STORY);
    expect(Number(await output.getAttribute("data-pieces"))).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#pg-raw-response").textContent()).toContain("data: [DONE]");
    expect(await page.locator("#pg-raw-request").textContent()).toContain('"stream": true');
    expect(await page.locator("#pg-curl").textContent()).toContain("x-switchyard-source: console");
    expect(upstream.requests.at(-1)?.body).toMatchObject({ model: "gpt-story", stream: true });
    expect(errors).toEqual([]);
  });

  it("embeds a text in the playground and shows the vector's size", async () => {
    const { page, errors } = await open("playground-embeddings", "#/playground");
    await page.locator("#pg-route").selectOption("vectors");
    expect(await page.locator('label[for="pg-text"]').textContent()).toBe("Text to embed");
    await page.locator("#pg-text").fill("It was the best of times");
    await page.locator("#pg-send").click();
    await page.locator('#pg-output[data-running="false"][data-pieces="1"]').waitFor();
    expect(await page.locator("#pg-output").textContent()).toMatch(/^1 embedding\(s\) of \d+ dimensions/);
    expect(await page.locator("#pg-raw-request").textContent()).toContain("POST /v1/embeddings");
    expect(errors).toEqual([]);
  });
});
