import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AccessGateway,
  bearer,
  CHAT,
  governanceYaml,
  MASTER_KEY,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "./access-gateway.js";

const DECLARED_DIGEST = `hmac:v1:${"cd".repeat(32)}`;
let gateway: AccessGateway;

beforeAll(async () => {
  gateway = await startAccessGateway(
    (directory) =>
      routesYaml() +
      governanceYaml(
        directory,
        `  orgs: [{ id: acme }]
  groups: [{ id: platform, org: acme, limits: { rpm: 100 } }]
  keys:
    - { id: Declared0001, digest: "${DECLARED_DIGEST}", alias: gitops-key, group: platform }
`,
      ),
  );
});
afterAll(async () => {
  await gateway.close();
  removeDirectory(gateway.directory);
});

type Key = Record<string, unknown> & { id: string; key?: string };
type Audit = { entries: Record<string, unknown>[]; next_cursor: string | null };

describe("the admin API's authentication", () => {
  it("needs a master key: none, a wrong one or a gateway key get 401 in the OpenAI envelope", async () => {
    const { key } = await gateway.createKey();
    for (const headers of [{}, bearer("sy-master-wrong-0123456789-abcdefghij"), bearer(key)]) {
      const answer = await gateway.request("GET", "/admin/v1/keys", { headers });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        error: { code: "invalid_master_key", type: "invalid_request_error" },
      });
    }
    const withGatewayKey = await gateway.request("POST", "/admin/v1/keys", {
      headers: bearer(key),
      body: {},
    });
    expect((withGatewayKey.body as { error: { message: string } }).error.message).toMatch(
      /a gateway key cannot manage keys/,
    );
  });
});

describe("keys through the admin API", () => {
  it("creates a key (201, the secret once), reads it without the secret, and lists it", async () => {
    const created = await gateway.admin("POST", "/keys", {
      alias: "ci-bot",
      group: "platform",
      routes: ["chat*"],
      models: ["mock-*"],
      expires_at: "2999-01-01T00:00:00Z",
      limits: { rpm: 60, tpm: { limit: 100000, burst: 5000 }, concurrency: 4 },
      budgets: [{ amount_usd: "20", period: "day" }],
      metadata: { owner: "search-team", ticket: 42 },
    });
    expect(created.status).toBe(201);
    const body = created.body as Key;
    expect(body.key).toMatch(new RegExp(`^sk-sy-${body.id}-[0-9A-Za-z]{49}$`));
    expect(body).toMatchObject({
      alias: "ci-bot",
      group: "platform",
      routes: ["chat*"],
      status: "active",
      managed_by: "api",
      expires_at: "2999-01-01T00:00:00.000Z",
      version: 1,
    });
    const read = await gateway.admin("GET", `/keys/${body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: body.id, alias: "ci-bot", key_hint: `sk-sy-${body.id}-…` });
    expect(read.text).not.toContain(body.key as string);
    expect(read.text).not.toContain("hmac:v1:");
    const list = await gateway.admin("GET", "/keys?group=platform");
    const ids = (list.body as { data: Key[] }).data.map((key) => key.id);
    expect(ids).toContain(body.id);
    expect(ids).toContain("Declared0001");
    expect(list.text).not.toContain("hmac:v1:");
  });

  it("validates every body with field-named 400s: unknown group, route or model scope, bad fields, duplicates", async () => {
    const cases: [unknown, RegExp, string | null][] = [
      [{ group: "nobody" }, /'group' names no group: 'nobody' does not exist/, "group"],
      [
        { routes: ["chta"] },
        /'routes\.0' 'chta' matches no route \(routes: chat, chat-b, complete, embed\)/,
        "routes[0]",
      ],
      [{ models: ["gpt-9"] }, /'models\.0' 'gpt-9' matches no target model/, "models[0]"],
      [{ alias: "has space" }, /'alias' must be 1 to 64 letters/, "alias"],
      [{ expires_at: "tomorrow" }, /'expires_at' must be a date and time with a time zone/, "expires_at"],
      [{ expires_at: "2001-01-01T00:00:00Z" }, /'expires_at' is in the past/, "expires_at"],
      [
        { limits: { rps: 3 } },
        /'limits\.rps' is not a field here; allowed: rpm, rph, rpd, tpm, tpd, concurrency/,
        "limits.rps",
      ],
      [
        {
          budgets: [
            { amount_usd: 1, period: "day" },
            { amount_usd: 2, period: "day" },
          ],
        },
        /'budgets\.1\.name' repeats the budget name 'day'/,
        "budgets[1].name",
      ],
      [{ colour: "red" }, /'colour' is not a field here; allowed: alias, group, routes/, "colour"],
      [[1, 2], /must be a JSON object/, null],
    ];
    for (const [body, message, param] of cases) {
      const answer = await gateway.admin("POST", "/keys", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const error = (answer.body as { error: { message: string; param: string | null; code: string } }).error;
      expect(error.message).toMatch(message);
      expect(error.param).toBe(param);
      expect(error.code).toBe("invalid_body");
    }
    await gateway.createKey({ alias: "taken" });
    const duplicate = await gateway.admin("POST", "/keys", { alias: "taken" });
    expect(duplicate.status).toBe(409);
    expect((duplicate.body as { error: { message: string } }).error.message).toBe(
      "The alias 'taken' is already used by another key.",
    );
    const declaredAlias = await gateway.admin("POST", "/keys", { alias: "gitops-key" });
    expect(declaredAlias.status).toBe(409);
  });

  it("updates scopes and status, and clears fields with null", async () => {
    const { id } = await gateway.createKey({ alias: "to-change", routes: ["chat"] });
    const changed = await gateway.admin("PATCH", `/keys/${id}`, {
      routes: null,
      alias: "changed",
      status: "disabled",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ routes: null, alias: "changed", status: "disabled", version: 2 });
    expect((await gateway.admin("PATCH", `/keys/${id}`, {})).status).toBe(400);
    expect((await gateway.admin("PATCH", `/keys/${id}`, { status: "revoked" })).status).toBe(400);
    expect((await gateway.admin("PATCH", "/keys/NoSuchKey000", { alias: "x" })).status).toBe(404);
    const alias = await gateway.createKey({ alias: "reused" });
    expect((await gateway.admin("DELETE", `/keys/${alias.id}`)).status).toBe(200);
    // A deleted key gives up its alias.
    expect((await gateway.admin("PATCH", `/keys/${id}`, { alias: "reused" })).status).toBe(200);
  });

  it("rotates with a grace period keeping the id: both secrets work until the grace ends, then only the new one", async () => {
    const { id, key: first } = await gateway.createKey({ alias: "rotating" });
    const rotated = await gateway.admin("POST", `/keys/${id}/rotate`, { grace_seconds: 1 });
    expect(rotated.status).toBe(200);
    const second = (rotated.body as Key).key as string;
    expect(second).toMatch(new RegExp(`^sk-sy-${id}-`));
    expect(second).not.toBe(first);
    expect((rotated.body as { secrets: unknown[] }).secrets).toHaveLength(2);
    for (const key of [first, second])
      expect(
        (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(key) })).status,
      ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const old = await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(first) });
    expect(old.status).toBe(401);
    expect((old.body as { error: { message: string } }).error.message).toMatch(/secret does not match/);
    expect(
      (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(second) })).status,
    ).toBe(200);
    const immediate = await gateway.admin("POST", `/keys/${id}/rotate`, { grace_seconds: 0 });
    expect((immediate.body as { secrets: unknown[] }).secrets).toHaveLength(1);
    expect(
      (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(second) })).status,
    ).toBe(401);
    expect((await gateway.admin("POST", `/keys/${id}/rotate`, { grace_seconds: -1 })).status).toBe(400);
  });

  it("revokes at once and deletes softly; a revoked key cannot be rotated or changed", async () => {
    const { id, key } = await gateway.createKey();
    expect(
      (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(key) })).status,
    ).toBe(200);
    const revoked = await gateway.admin("POST", `/keys/${id}/revoke`);
    expect(revoked.body).toMatchObject({ status: "revoked", secrets: [] });
    expect(
      (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(key) })).status,
    ).toBe(401);
    expect((await gateway.admin("POST", `/keys/${id}/rotate`, {})).status).toBe(409);
    expect((await gateway.admin("PATCH", `/keys/${id}`, { alias: "x" })).status).toBe(409);
    expect((await gateway.admin("POST", `/keys/${id}/revoke`)).status).toBe(200);
    const deleted = await gateway.admin("DELETE", `/keys/${id}`);
    expect(deleted.body).toMatchObject({ status: "deleted" });
    const listed = (await gateway.admin("GET", "/keys")).body as { data: Key[] };
    expect(listed.data.map((entry) => entry.id)).not.toContain(id);
    const withDeleted = (await gateway.admin("GET", "/keys?status=deleted")).body as { data: Key[] };
    expect(withDeleted.data.map((entry) => entry.id)).toContain(id);
    expect((await gateway.admin("GET", `/keys/${id}`)).body).toMatchObject({ status: "deleted" });
  });

  it("keeps keys declared in the config read-only", async () => {
    const read = await gateway.admin("GET", "/keys/Declared0001");
    expect(read.body).toMatchObject({ managed_by: "config", alias: "gitops-key" });
    for (const [method, path] of [
      ["PATCH", "/keys/Declared0001"],
      ["POST", "/keys/Declared0001/revoke"],
      ["POST", "/keys/Declared0001/rotate"],
      ["DELETE", "/keys/Declared0001"],
    ] as const) {
      const answer = await gateway.admin(method, path, method === "PATCH" ? { alias: "x" } : undefined);
      expect(answer.status, `${method} ${path}`).toBe(409);
      expect((answer.body as { error: { message: string } }).error.message).toMatch(
        /declared in the config file/,
      );
    }
  });

  it("pages through keys with a cursor", async () => {
    for (let index = 0; index < 3; index++) await gateway.createKey({ group: "platform" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Key[]; next_cursor: string | null } = (
        await gateway.admin("GET", `/keys?limit=2${cursor === null ? "" : `&cursor=${cursor}`}`)
      ).body as never;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((entry) => entry.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    const all = ((await gateway.admin("GET", "/keys?limit=1000")).body as { data: Key[] }).data;
    expect(seen).toEqual(all.map((entry) => entry.id));
  });
});

describe("groups and orgs", () => {
  it("nests groups under orgs, puts keys in groups, and refuses to leave anything dangling", async () => {
    expect(
      (
        await gateway.admin("POST", "/orgs", {
          id: "globex",
          budgets: [{ amount_usd: 100, period: "month" }],
        })
      ).status,
    ).toBe(201);
    expect((await gateway.admin("POST", "/orgs", { id: "globex" })).status).toBe(409);
    expect((await gateway.admin("POST", "/groups", { id: "research", org: "nowhere" })).status).toBe(400);
    const group = await gateway.admin("POST", "/groups", {
      id: "research",
      org: "globex",
      limits: { rpm: 10 },
    });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({
      id: "research",
      org: "globex",
      limits: { rpm: 10 },
      managed_by: "api",
    });
    const listed = (await gateway.admin("GET", "/groups?org=globex")).body as { data: { id: string }[] };
    expect(listed.data.map((entry) => entry.id)).toEqual(["research"]);
    const { key, id } = await gateway.createKey({ group: "research" });
    const me = await gateway.request("GET", "/v1/me", { headers: bearer(key) });
    expect(me.body).toMatchObject({ group: "research", org: "globex" });
    expect((await gateway.admin("DELETE", "/orgs/globex")).status).toBe(409);
    expect((await gateway.admin("DELETE", "/groups/research")).status).toBe(409);
    expect(
      (await gateway.admin("PATCH", "/groups/research", { limits: { rpm: 20 }, metadata: null })).body,
    ).toMatchObject({
      limits: { rpm: 20 },
      version: 2,
    });
    await gateway.admin("DELETE", `/keys/${id}`);
    expect((await gateway.admin("DELETE", "/groups/research")).status).toBe(200);
    expect((await gateway.admin("GET", "/groups/research")).status).toBe(404);
    expect((await gateway.admin("DELETE", "/orgs/globex")).status).toBe(200);
    expect((await gateway.admin("PATCH", "/groups/platform", { limits: null })).status).toBe(409);
    expect((await gateway.admin("POST", "/groups", { id: "platform" })).status).toBe(409);
  });
});

describe("the audit log", () => {
  it("records every change with actor, source IP, request id and before/after without secrets, and logs it", async () => {
    const created = await gateway.admin("POST", "/keys", { alias: "audited" });
    const { id, key } = created.body as Key;
    const requestId = created.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const revoke = await gateway.request("POST", `/admin/v1/keys/${id}/revoke`, {
      headers: { ...bearer(MASTER_KEY), "x-request-id": "ticket-4711" },
    });
    expect(revoke.headers.get("x-request-id")).toBe("ticket-4711");
    const audit = (await gateway.admin("GET", `/audit?object_type=key&object_id=${id}`)).body as Audit;
    expect(audit.entries.map((entry) => entry.action)).toEqual(["key.revoke", "key.create"]);
    const [revocation, creation] = audit.entries;
    expect(creation).toMatchObject({
      actor: "master:ops",
      actor_ip: "127.0.0.1",
      object_type: "key",
      object_id: id,
      before: null,
      after: { id, alias: "audited", status: "active" },
      request_id: requestId,
    });
    expect(revocation).toMatchObject({
      request_id: "ticket-4711",
      before: { status: "active" },
      after: { status: "revoked" },
    });
    const everything = JSON.stringify(audit);
    expect(everything).not.toContain(key as string);
    expect(everything).not.toContain("hmac:v1:");
    expect(gateway.logs()).toMatch(
      new RegExp(`"audit":\\{[^\\n]*"action":"key.revoke"[^\\n]*"object_id":"${id}"`),
    );
    expect(gateway.logs()).toContain(`audit: key.revoke key '${id}' by master:ops`);
  });

  it("filters and pages newest first", async () => {
    const page = (await gateway.admin("GET", "/audit?limit=2")).body as Audit;
    expect(page.entries).toHaveLength(2);
    expect(page.next_cursor).not.toBeNull();
    const next = (await gateway.admin("GET", `/audit?limit=2&cursor=${page.next_cursor}`)).body as Audit;
    expect(Number(next.entries[0]?.id)).toBeLessThan(Number(page.entries[1]?.id));
    const byAction = (await gateway.admin("GET", "/audit?action=org.create")).body as Audit;
    expect(byAction.entries.every((entry) => entry.action === "org.create")).toBe(true);
    const future = (await gateway.admin("GET", "/audit?since=2999-01-01T00:00:00Z")).body as Audit;
    expect(future.entries).toEqual([]);
    expect((await gateway.admin("GET", "/audit?limit=0")).status).toBe(400);
    expect((await gateway.admin("GET", "/audit?object_type=route")).status).toBe(400);
  });
});
