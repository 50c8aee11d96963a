import { existsSync } from "node:fs";
import { requireDebianTool } from "./debian-tool.js";

/** Where Debian's `chromium` package puts the browser itself (/usr/bin/chromium is a wrapper script). */
const DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium";

/**
 * The Chromium the browser tests drive with playwright-core (which never downloads a browser): `$CHROMIUM`, or
 * Debian's package. Undefined locally when there is none (the suite skips with a note); a failure in CI.
 */
export function findChromium(): string | undefined {
  const chosen = process.env.CHROMIUM;
  if (chosen !== undefined && chosen !== "") return chosen;
  if (!requireDebianTool("chromium", "chromium")) return undefined;
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : "chromium";
}

/** Flags for a headless run in a container: no sandbox (no user namespaces), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];
