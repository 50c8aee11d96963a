import { describe, expect, it } from "vitest";
import { consoleProtection, isConsoleEnabled, isLoopbackHost } from "./console-settings.js";
import { parseConfig } from "./parse-config.js";

function parse(block: string) {
  return parseConfig(`routes: []\n${block}`, "/srv/switchyard.yaml", {});
}

describe("the console block", () => {
  it("defaults to /ui, on only for a loopback address", () => {
    const result = parse("");
    expect(result.ok && result.config.console).toEqual({ enabled: undefined, path: "/ui" });
    const settings = result.ok ? result.config.console : undefined;
    expect(isConsoleEnabled(settings, "127.0.0.1")).toBe(true);
    expect(isConsoleEnabled(settings, "::1")).toBe(true);
    expect(isConsoleEnabled(settings, "localhost")).toBe(true);
    expect(isConsoleEnabled(settings, "0.0.0.0")).toBe(false);
    expect(isConsoleEnabled(settings, "10.1.2.3")).toBe(false);
    expect(isConsoleEnabled({ enabled: true, path: "/ui" }, "0.0.0.0")).toBe(true);
    expect(isConsoleEnabled({ enabled: false, path: "/ui" }, "127.0.0.1")).toBe(false);
    expect(isLoopbackHost("[::1]")).toBe(true);
  });

  it("is on by default on any address when an admin key protects it: its data behind a key, master keys to sign in", () => {
    const governance = (metrics: "open" | "key" | "off", admin: "key" | "off", masterKeys: number) => ({
      auth: { surfaces: { metrics, admin } },
      admin: { masterKeys: Array.from({ length: masterKeys }, (_, index) => ({ name: `m${index}` })) },
    });
    const protectedBy = consoleProtection(governance("key", "key", 1));
    expect(isConsoleEnabled(undefined, "0.0.0.0", protectedBy)).toBe(true);
    expect(isConsoleEnabled({ enabled: false, path: "/ui" }, "0.0.0.0", protectedBy)).toBe(false);
    expect(isConsoleEnabled(undefined, "0.0.0.0", consoleProtection(governance("open", "key", 1)))).toBe(
      false,
    );
    expect(isConsoleEnabled(undefined, "0.0.0.0", consoleProtection(governance("key", "off", 1)))).toBe(
      false,
    );
    expect(isConsoleEnabled(undefined, "0.0.0.0", consoleProtection(governance("key", "key", 0)))).toBe(
      false,
    );
    const parsed = parseConfig(
      "routes: []\ngovernance:\n  auth: { required: true, pepper: $P }\n  admin: { master_keys: [$M] }\n",
      "/srv/switchyard.yaml",
      { P: "pepper-0123456789-abcdefghij", M: "sy-master-0123456789-abcdefghij" },
    );
    expect(parsed.ok).toBe(true);
    if (parsed.ok)
      expect(isConsoleEnabled(undefined, "10.1.2.3", consoleProtection(parsed.config.governance))).toBe(true);
  });

  it("takes a path of its own", () => {
    const result = parse("console:\n  enabled: true\n  path: /ops/console\n");
    expect(result.ok && result.config.console).toEqual({ enabled: true, path: "/ops/console" });
  });

  it.each([
    ["path: ui", "console.path", "must be a path like /ui"],
    ["path: /ui/", "console.path", "must be a path like /ui"],
    ["path: /v1/console", "console.path", "must not be under a path of the gateway's APIs"],
    ["path: /docs", "console.path", "must not be under a path of the gateway's APIs"],
    ["path: /admin/ui", "console.path", "must not be under a path of the gateway's APIs"],
    ["enabled: yes please", "console.enabled", "must be true or false"],
    ["colour: blue", "console.colour", "unknown key 'colour'; allowed: enabled, path"],
  ])("refuses %s, naming the field", (line, field, message) => {
    const result = parse(`console:\n  ${line}\n`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ field, line: 3 });
    expect(result.issues[0]?.message).toContain(message);
  });
});
