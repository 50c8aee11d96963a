import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { GatewayConfig } from "../config/gateway-config.js";
import { createLogger } from "../observability/logger.js";
import { type ConfigCheck, ConfigReloader } from "./config-reloader.js";
import type { ConfigVerdict } from "./config-verdict.js";

/** A config that names its routes after the file's lines, so a test can tell versions apart. */
function configOf(text: string): GatewayConfig {
  const routes = text.split("\n").filter(Boolean);
  return { routes: routes.map((name) => ({ name })) } as unknown as GatewayConfig;
}

const valid = (text: string): Extract<ConfigVerdict, { ok: true }> => ({
  ok: true,
  config: configOf(text),
  secrets: [],
  warnings: [],
});

function reloaderFor(check: ConfigCheck) {
  const file = join(mkdtempSync(join(tmpdir(), "switchyard-reloader-")), "switchyard.yaml");
  writeFileSync(file, "a\n");
  let log = "";
  const logger = createLogger(
    "info",
    new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    }),
  );
  const counts = { applied: 0, rejected: 0 };
  const reloader = new ConfigReloader(file, "a\n", valid("a\n"), check, logger, {
    count: (result) => counts[result]++,
  });
  return { file, reloader, counts, log: () => log };
}

const names = (config: GatewayConfig | undefined) => config?.routes.map((route) => route.name);

describe("ConfigReloader", () => {
  it("applies a new valid text, ignores an unchanged one unless forced", async () => {
    let checks = 0;
    const { file, reloader, counts } = reloaderFor(async (text) => {
      checks++;
      return valid(text);
    });
    expect(await reloader.reload("file changed", false)).toBeUndefined();
    expect(checks).toBe(0);
    writeFileSync(file, "a\nb\n");
    expect(names(await reloader.reload("file changed", false))).toEqual(["a", "b"]);
    expect(reloader.version).toBe(2);
    expect(names(await reloader.reload("SIGHUP", true))).toEqual(["a", "b"]);
    expect(checks).toBe(2);
    expect(counts).toEqual({ applied: 2, rejected: 0 });
  });

  it("keeps the last good config when the check refuses, and logs each issue with its place", async () => {
    const { file, reloader, counts, log } = reloaderFor(async (text, path) =>
      text.includes("bad")
        ? { ok: false, issues: [{ file: path, line: 2, column: 3, message: "unknown provider 'bad'" }] }
        : valid(text),
    );
    writeFileSync(file, "a\nbad\n");
    expect(await reloader.reload("file changed", false)).toBeUndefined();
    expect(names(reloader.config)).toEqual(["a"]);
    expect(reloader.version).toBe(1);
    expect(counts).toEqual({ applied: 0, rejected: 1 });
    expect(log()).toContain(`config not reloaded: ${file}:2:3: unknown provider 'bad'`);
  });

  it("checks reloads one at a time, in order: a slow check of an older text cannot replace a newer one", async () => {
    const started: string[] = [];
    let releaseFirst: () => void = () => {};
    const { file, reloader } = reloaderFor(async (text) => {
      started.push(text);
      if (started.length === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
      return valid(text);
    });
    writeFileSync(file, "a\nb\n");
    const first = reloader.reload("file changed", false);
    // Let the first reload read its text and start its check before the file changes again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(file, "a\nb\nc\n");
    const second = reloader.reload("SIGHUP", true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The second waits for the first: its check has not started.
    expect(started).toEqual(["a\nb\n"]);
    releaseFirst();
    expect(names(await first)).toEqual(["a", "b"]);
    expect(names(await second)).toEqual(["a", "b", "c"]);
    expect(names(reloader.config)).toEqual(["a", "b", "c"]);
    expect(reloader.version).toBe(3);
  });
});
