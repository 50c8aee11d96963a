import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyHasher } from "../../src/governance/keys/key-digest.js";
import { publicIdOf } from "../../src/governance/keys/key-format.js";
import {
  type AccessGateway,
  bearer,
  CHAT,
  governanceYaml,
  MASTER_KEY,
  PEPPER,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "../access/access-gateway.js";
import { runCli } from "../e2e/run-cli.js";

let gateway: AccessGateway;
const ENV = { SWITCHYARD_MASTER_KEY: MASTER_KEY, SWITCHYARD_GATEWAY_URI: "" };

beforeAll(async () => {
  gateway = await startAccessGateway(
    (directory) => `${routesYaml()}${governanceYaml(directory)}  groups: [{ id: team }]\n`,
  );
});
afterAll(async () => {
  await gateway.close();
  removeDirectory(gateway.directory);
});

/** Each test starts the CLI several times: seconds each on a busy machine. */
const SLOW = 120_000;
const keys = (...args: string[]) => runCli(["keys", ...args, "--gateway-uri", gateway.url], ENV);

describe("switchyard keys", () => {
  it(
    "creates a key with scopes, printing the secret alone on stdout, once",
    async () => {
      const run = await keys(
        "create",
        "--alias",
        "cli-app",
        "--group",
        "team",
        "--route",
        "chat",
        "--route",
        "chat-b",
        "--limits",
        '{"rpm":60}',
        "--metadata",
        "owner=platform",
        "--expires-at",
        "2999-01-01T00:00:00Z",
      );
      expect(run.code).toBe(0);
      const key = run.stdout.trim();
      expect(publicIdOf(key)).toBeDefined();
      expect(run.stderr).toMatch(
        /Created key 'cli-app' \([0-9A-Za-z]{12}\)\.\nThe secret above is shown only this once/,
      );
      const me = await gateway.request("GET", "/v1/me", { headers: bearer(key) });
      expect(me.body).toMatchObject({
        alias: "cli-app",
        group: "team",
        routes: ["chat", "chat-b"],
        limits: { rpm: 60 },
        metadata: { owner: "platform" },
      });
    },
    SLOW,
  );

  it(
    "lists keys as a table or JSON, rotates with a grace period, and revokes",
    async () => {
      const created = await keys("create", "--alias", "rotate-me");
      const key = created.stdout.trim();
      const id = publicIdOf(key) as string;
      const table = await keys("list");
      expect(table.stdout).toMatch(/^ID\s+ALIAS\s+GROUP\s+STATUS\s+EXPIRES\s+LAST USED\n/);
      expect(table.stdout).toMatch(new RegExp(`${id}\\s+rotate-me\\s+-\\s+active`));
      const json = JSON.parse((await keys("list", "--json", "--group", "team")).stdout) as {
        alias: string;
      }[];
      expect(json.map((entry) => entry.alias)).toEqual(["cli-app"]);

      const rotated = await keys("rotate", id, "--grace", "1h");
      expect(rotated.code).toBe(0);
      const next = rotated.stdout.trim();
      expect(publicIdOf(next)).toBe(id);
      expect(rotated.stderr).toMatch(/The old secret works until 20/);
      for (const each of [key, next])
        expect(
          (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(each) }))
            .status,
        ).toBe(200);

      const revoked = await keys("revoke", id);
      expect(revoked.stdout).toBe(`Revoked key 'rotate-me' (${id}).\n`);
      expect(
        (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(next) })).status,
      ).toBe(401);
    },
    SLOW,
  );

  it(
    "explains what is missing or wrong, with exit code 1",
    async () => {
      const noKey = await runCli(["keys", "list", "--gateway-uri", gateway.url], {
        SWITCHYARD_MASTER_KEY: "",
      });
      expect(noKey).toMatchObject({
        code: 1,
        stderr:
          "error: No master key: set SWITCHYARD_MASTER_KEY (a key from governance.admin.master_keys).\n",
      });
      const wrong = await runCli(["keys", "list", "--gateway-uri", gateway.url], {
        SWITCHYARD_MASTER_KEY: "sy-master-wrong-0123456789-abcdefg",
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toBe("error: the gateway answered 401: The master key is not valid.\n");
      const invalid = await keys("create", "--route", "nowhere");
      expect(invalid.stderr).toMatch(
        /^error: the gateway answered 400: 'routes\.0' 'nowhere' matches no route/,
      );
      const badGrace = await keys("rotate", "AbCdEf123456", "--grace", "soon");
      expect(badGrace.stderr).toMatch(/must be a duration such as 0, 90s, 30m, 24h or 7d/);
      const missing = await keys("revoke", "AbCdEf123456");
      expect(missing.stderr).toBe("error: the gateway answered 404: There is no key 'AbCdEf123456'.\n");
    },
    SLOW,
  );

  it(
    "generates a key and its digest offline for the config, and a master key",
    async () => {
      const run = await runCli(["keys", "generate"], { SWITCHYARD_KEY_PEPPER: PEPPER });
      const key = run.stdout.trim();
      const id = publicIdOf(key) as string;
      expect(run.stderr).toBe(
        `For governance.keys:\n  - id: ${id}\n    digest: "${new KeyHasher(PEPPER).digest(key)}"\n`,
      );
      const master = await runCli(["keys", "generate", "--master"], { SWITCHYARD_KEY_PEPPER: PEPPER });
      const masterKey = master.stdout.trim();
      expect(masterKey).toMatch(/^sy-master-[0-9A-Za-z]{43}$/);
      expect(master.stderr).toContain(new KeyHasher(PEPPER).digest(masterKey));
      expect((await runCli(["keys", "generate"], { SWITCHYARD_KEY_PEPPER: "" })).stderr).toMatch(
        /No pepper: set SWITCHYARD_KEY_PEPPER/,
      );
    },
    SLOW,
  );
});
