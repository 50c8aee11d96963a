import { describe, expect, it } from "vitest";
import { parseConfig } from "./parse-config.js";

const ROUTES = "routes: []\n";

function parse(tail: string, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(`${ROUTES}${tail}`, "/virtual/switchyard.yaml", env);
}

describe("responses.store", () => {
  it("is local by default, and Redis by default when the governance store is Redis, on its URL", () => {
    const local = parse("");
    expect(local.ok && local.config.responses?.store.kind).toBe("local");
    const shared = parse("governance:\n  store:\n    kind: redis\n    url: redis://127.0.0.1:6379/0\n");
    expect(shared.ok && shared.config.responses?.store).toMatchObject({
      kind: "redis",
      redis: { url: "redis://127.0.0.1:6379/0", keyPrefix: "{sy}:responses:", commandTimeoutMs: 1000 },
    });
  });

  it("takes its own Redis URL from the environment, and its key prefix and timeout", () => {
    const parsed = parse(
      "responses:\n  store:\n    kind: redis\n    url: $RESPONSES_REDIS\n    key_prefix: team-a\n    command_timeout_ms: 200\n",
      { RESPONSES_REDIS: "redis://:secret@10.0.0.5:6379/2" },
    );
    expect(parsed.ok && parsed.config.responses?.store.redis).toEqual({
      url: "redis://:secret@10.0.0.5:6379/2",
      keyPrefix: "team-a",
      commandTimeoutMs: 200,
    });
  });

  it("refuses kind redis without a URL, a URL that is not Redis's (without echoing it), and Redis keys elsewhere", () => {
    const missing = parse("responses:\n  store:\n    kind: redis\n");
    expect(missing.ok).toBe(false);
    expect(JSON.stringify(missing)).toContain("'kind: redis' needs 'url'");
    const wrong = parse("responses:\n  store:\n    kind: redis\n    url: http://user:hunter2@host\n");
    expect(wrong.ok || wrong.issues[0]).toMatchObject({
      field: "responses.store.url",
      message: "must be a redis://, rediss:// or unix:// URL",
    });
    expect(JSON.stringify(wrong)).not.toContain("hunter2");
    const misplaced = parse("responses:\n  store:\n    kind: local\n    url: redis://127.0.0.1:6379\n");
    expect(misplaced.ok || misplaced.issues[0]).toMatchObject({
      field: "responses.store.url",
      message: "only applies with 'kind: redis'",
    });
  });

  it("stays off when said so, whatever the governance store", () => {
    const parsed = parse(
      "governance:\n  store:\n    kind: redis\n    url: redis://127.0.0.1:6379/0\nresponses:\n  store:\n    kind: off\n",
    );
    expect(parsed.ok && parsed.config.responses?.store.kind).toBe("off");
  });
});
