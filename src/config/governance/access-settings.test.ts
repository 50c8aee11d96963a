import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "../config-issue.js";
import { parseConfig } from "../parse-config.js";

const FILE = "/srv/switchyard/switchyard.yaml";
const PEPPER = "pepper-0123456789-abcdef";
const MASTER = "sy-master-0123456789abcdefghijklmnop";
const DIGEST = `hmac:v1:${"ab".repeat(32)}`;
const ROUTES = `routes:
  - name: chat-fast
    type: llm/v1/chat
    model: { provider: mock, name: mock-echo }
  - name: embed
    type: llm/v1/embeddings
    model: { provider: mock, name: mock-embed }
`;
const ENV = { PEPPER, MASTER };

function governanceOf(text: string) {
  const result = parseConfig(ROUTES + text, FILE, ENV);
  if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join("\n"));
  return result.config.governance;
}

function problemsOf(text: string): string[] {
  const result = parseConfig(ROUTES + text, FILE, ENV);
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.issues.map(formatConfigIssue);
}

describe("access control settings", () => {
  it("leaves the gateway open with every surface open when nothing is configured", () => {
    const { auth, admin } = governanceOf("");
    expect(auth).toMatchObject({ required: false, pepper: undefined });
    expect(auth.surfaces).toEqual({ metrics: "open", docs: "open", openapi: "open", admin: "off" });
    expect(admin.masterKeys).toEqual([]);
  });

  it("closes metrics, docs and the OpenAPI document when keys are required, and serves admin with master keys", () => {
    const { auth, admin } = governanceOf(`governance:
  auth:
    required: true
    pepper: $PEPPER
    cache_ttl_seconds: 2
    surfaces: { docs: open }
  admin:
    master_keys: [$MASTER, { name: ci, key: "${DIGEST}" }]
`);
    expect(auth).toMatchObject({ required: true, pepper: PEPPER, cacheTtlMs: 2000, staleForMs: 300_000 });
    expect(auth.surfaces).toEqual({ metrics: "key", docs: "open", openapi: "key", admin: "key" });
    expect(admin.masterKeys).toEqual([
      { name: "master-1", key: MASTER },
      { name: "ci", digest: DIGEST },
    ]);
  });

  it("needs a pepper once keys are required, declared or can be created, and says how to make one", () => {
    const problems = problemsOf("governance:\n  auth:\n    required: true\n");
    expect(problems).toEqual([
      expect.stringMatching(
        /switchyard\.yaml:\d+:\d+: field governance\.auth\.pepper: is needed because governance\.auth\.required is true\b.*openssl rand -base64 32/,
      ),
    ]);
    expect(problemsOf("governance:\n  admin:\n    master_keys: [$MASTER]\n")[0]).toContain(
      "master keys are configured",
    );
  });

  it("refuses short peppers and master keys, gateway keys as master keys, and an open admin API, never echoing secrets", () => {
    const problems = problemsOf(`governance:
  auth:
    pepper: short-pepper
    surfaces: { admin: open, metrics: sometimes }
  admin:
    master_keys: [too-short-master, "sk-sy-AbCdEf123456-0000000000000000000000000000000000000000000000000", "hmac:v1:xyz"]
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /:\d+:\d+: field governance\.auth\.surfaces\.metrics: must be one of: "open", "key", "off"/,
      ),
      expect.stringMatching(
        /field governance\.admin\.master_keys\.0: a master key must be at least 24 characters/,
      ),
      expect.stringMatching(
        /field governance\.admin\.master_keys\.1: is a gateway key; a master key must be a different secret/,
      ),
      expect.stringMatching(
        /field governance\.admin\.master_keys\.2: must be a digest: 'hmac:v1:' followed by 64/,
      ),
    ]);
    const admin = problemsOf(`governance:
  auth: { pepper: $PEPPER, surfaces: { admin: open } }
`);
    expect(admin).toEqual([
      expect.stringMatching(/field governance\.auth\.surfaces\.admin: the admin API cannot be open/),
    ]);
    expect(problemsOf("governance:\n  auth: { pepper: short-pepper }\n")).toEqual([
      expect.stringMatching(/:9:19: field governance\.auth\.pepper: must be at least 16 characters/),
    ]);
    for (const problem of [...problems, ...admin]) {
      expect(problem).not.toContain("too-short-master");
      expect(problem).not.toContain("short-pepper");
    }
    expect(problemsOf("governance:\n  auth: { pepper: $PEPPER, surfaces: { admin: key } }\n")).toEqual([
      expect.stringMatching(/field governance\.auth\.surfaces\.admin: 'key' needs at least one master key/),
    ]);
  });
});

describe("declared keys, groups and orgs", () => {
  const header = "governance:\n  auth: { required: true, pepper: $PEPPER }\n";

  it("reads keys by digest with their scope, group and org", () => {
    const governance = governanceOf(`${header}  orgs:
    - id: acme
      budgets: [{ amount_usd: 5000, period: month, tz: Europe/Berlin }]
  groups:
    - { id: search, org: acme, limits: { rpm: 600 } }
  keys:
    - id: AbCdEf123456
      digest: "${DIGEST}"
      alias: ci-bot
      group: search
      routes: [chat-*]
      models: [mock-*]
      expires_at: 2027-01-01T01:00:00+01:00
      limits: { rpm: 60, concurrency: 4 }
      budgets: [{ amount_usd: 20, period: day }]
      metadata: { owner: search-team }
`);
    expect(governance.keys).toEqual([
      {
        id: "AbCdEf123456",
        digest: DIGEST,
        alias: "ci-bot",
        group: "search",
        routes: ["chat-*"],
        models: ["mock-*"],
        expiresAt: "2027-01-01T00:00:00.000Z",
        status: "active",
        limits: { rpm: 60, concurrency: 4 },
        budgets: [{ amount_usd: 20, period: "day" }],
        metadata: { owner: "search-team" },
      },
    ]);
    expect(governance.groups).toEqual([
      { id: "search", org: "acme", limits: { rpm: 600 }, budgets: null, metadata: {} },
    ]);
    expect(governance.orgs[0]?.id).toBe("acme");
  });

  it("reports unknown groups and orgs, scopes that match nothing, bad digests, repeats and unknown keys at their line", () => {
    const problems = problemsOf(`${header}  groups:
    - { id: search, org: nowhere }
  keys:
    - id: AbCdEf123456
      digest: "hmac:v1:abc"
      group: searchh
      routes: [chaat]
      models: [gpt-5]
      expires: tomorrow
    - id: AbCdEf123456
      digest: "${DIGEST}"
      alias: a
      budgets: [{ amount_usd: 1, period: day }, { amount_usd: 2, period: day }]
      limits: { rps: 4 }
`);
    expect(problems).toEqual([
      expect.stringMatching(/:14:15: field governance\.keys\.0\.digest: must be a digest/),
      expect.stringMatching(
        /:18:7: field governance\.keys\.0\.expires: unknown key 'expires'; allowed: id, digest, status, alias, group, routes, models, expires_at, limits, budgets, metadata/,
      ),
      expect.stringMatching(
        /:23:17: field governance\.keys\.1\.limits\.rps: unknown key 'rps'; allowed: rpm, rph, rpd, tpm, tpd, concurrency/,
      ),
    ]);
    const references = problemsOf(`${header}  groups:
    - { id: search, org: nowhere }
  keys:
    - id: AbCdEf123456
      digest: "${DIGEST}"
      group: searchh
      routes: [chaat, "chat-*"]
      models: [gpt-5]
    - id: AbCdEf123456
      digest: "${DIGEST}"
      budgets: [{ amount_usd: 1, period: day }, { amount_usd: 2, period: day }]
`);
    expect(references).toEqual([
      expect.stringMatching(/field governance\.keys\.1\.id: repeats the key id 'AbCdEf123456'/),
      expect.stringMatching(/field governance\.keys\.1\.budgets\.1\.name: repeats the budget name 'day'/),
    ]);
    const dangling = problemsOf(`${header}  groups:
    - { id: search, org: nowhere }
  keys:
    - id: AbCdEf123456
      digest: "${DIGEST}"
      group: searchh
      routes: [chaat, "chat-*"]
      models: [gpt-5]
`);
    expect(dangling).toEqual([
      expect.stringMatching(
        /:11:26: field governance\.groups\.0\.org: names no org: 'nowhere' is not in governance\.orgs \(none are defined\)/,
      ),
      expect.stringMatching(
        /field governance\.keys\.0\.group: names no group: 'searchh' is not in governance\.groups \(defined: search\)/,
      ),
      expect.stringMatching(
        /field governance\.keys\.0\.routes\.0: 'chaat' matches no route \(routes: chat-fast, embed\)/,
      ),
      expect.stringMatching(
        /field governance\.keys\.0\.models\.0: 'gpt-5' matches no target model of any route \(models: mock-echo, mock-embed\)/,
      ),
    ]);
  });
});
