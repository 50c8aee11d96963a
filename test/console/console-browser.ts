import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../support/chromium.js";

/** Screenshots of failed browser tests, kept by CI as artifacts. */
export const SCREENSHOT_DIRECTORY = join(process.cwd(), "test-results", "console");

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export interface ConsoleTab {
  page: Page;
  /** What the test's screenshot is named after (its page); the test's name when unset. */
  name?: string;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Requests to anywhere but the gateway: refused, and recorded to fail the test. */
  external: string[];
  /** Console errors and uncaught exceptions (a CSP violation is a console error). */
  errors: string[];
  screenshot(name: string): Promise<string>;
}

/**
 * A browser tab that may only talk to the gateway: any other request is aborted and recorded, which is how
 * the tests check that the console works offline and sends nothing elsewhere.
 */
export async function openTab(browser: Browser, gatewayUrl: string): Promise<ConsoleTab> {
  const origin = new URL(gatewayUrl).origin;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const external: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url.startsWith("data:") || new URL(url).origin === origin) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return {
    page,
    requests,
    external,
    errors,
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
      const path = join(SCREENSHOT_DIRECTORY, `${name.replace(/[^a-z0-9-]+/gi, "-")}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

/** What `afterEach` gets of the test that ran. */
interface FinishedTest {
  name: string;
  result?: { state?: string };
}

/**
 * Ends a test's tab: when the test failed, first a screenshot of its page in SCREENSHOT_DIRECTORY (the CI
 * artifact). This runs in `afterEach`, which sees the test's result: `onTestFailed` runs after `afterEach`, when
 * the tab would already be closed.
 */
export async function closeTab(tab: ConsoleTab | undefined, test: FinishedTest): Promise<void> {
  if (tab === undefined) return;
  try {
    if (test.result?.state === "fail") {
      const path = await tab.screenshot(tab.name ?? test.name);
      process.stderr.write(`screenshot of the failed console test: ${path}\n`);
    }
  } catch (error) {
    process.stderr.write(`no screenshot of the failed console test: ${(error as Error).message}\n`);
  } finally {
    await tab.page.context().close();
  }
}
