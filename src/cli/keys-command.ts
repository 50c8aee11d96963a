import { Command, InvalidArgumentError, Option } from "commander";
import { KeyHasher } from "../governance/keys/key-digest.js";
import { generateKey, randomBase62 } from "../governance/keys/key-format.js";
import { type AdminTarget, adminRequest, MASTER_KEY_ENV } from "./admin-request.js";
import { errorLine, GATEWAY_URI_HELP } from "./gateway-uri-option.js";

interface KeyAnswer {
  id: string;
  key?: string;
  alias: string | null;
  group: string | null;
  status: string;
  expires_at: string | null;
  last_used_at: string | null;
  secrets: { not_after: string | null }[];
}

const PEPPER_ENV = "SWITCHYARD_KEY_PEPPER";

/**
 * `switchyard keys create|list|revoke|rotate` against a running gateway's admin API (master key from
 * $SWITCHYARD_MASTER_KEY), and `switchyard keys generate` offline (a key or master key and its digest, for the
 * config). A new secret is printed once, alone on standard output, so `KEY=$(switchyard keys create …)` works.
 */
export function keysCommand(): Command {
  const keys = new Command("keys").description("manage gateway keys (admin API of a running gateway)");
  const withTarget = (command: Command): Command =>
    command
      .option("--gateway-uri <uri>", GATEWAY_URI_HELP)
      .option("--master-key-env <name>", "environment variable holding the master key", MASTER_KEY_ENV);

  withTarget(keys.command("create").description("create a key; prints its secret once"))
    .option("--alias <alias>", "a unique, readable name")
    .option("--group <group>", "the group (team) the key belongs to")
    .option("--route <route>", "a route (or glob) the key may call; repeat for more", collect, [])
    .option(
      "--model <model>",
      "an upstream model (or glob) the key's routes may reach; repeat for more",
      collect,
      [],
    )
    .option("--expires-at <time>", "expiry, e.g. 2027-01-01T00:00:00Z")
    .option("--limits <json>", `limits, e.g. '{"rpm":60,"concurrency":4}'`, json)
    .option("--budgets <json>", `budgets, e.g. '[{"amount_usd":20,"period":"day"}]'`, json)
    .option("--metadata <key=value>", "a metadata entry; repeat for more", collectPair, {})
    .option("--json", "print the whole answer as JSON (it holds the secret)")
    .action((options: AdminTarget & CreateOptions) =>
      run(async () => {
        const body = {
          ...(options.alias === undefined ? {} : { alias: options.alias }),
          ...(options.group === undefined ? {} : { group: options.group }),
          ...(options.route.length === 0 ? {} : { routes: options.route }),
          ...(options.model.length === 0 ? {} : { models: options.model }),
          ...(options.expiresAt === undefined ? {} : { expires_at: options.expiresAt }),
          ...(options.limits === undefined ? {} : { limits: options.limits }),
          ...(options.budgets === undefined ? {} : { budgets: options.budgets }),
          ...(Object.keys(options.metadata).length === 0 ? {} : { metadata: options.metadata }),
        };
        const created = (await adminRequest(options, "POST", "/keys", body)) as KeyAnswer;
        printSecret(created, options.json === true, `Created key ${describe(created)}.`);
      }),
    );

  withTarget(keys.command("list").description("list keys"))
    .option("--group <group>", "only keys of this group")
    .addOption(
      new Option("--status <status>", "only keys with this status").choices([
        "active",
        "disabled",
        "revoked",
        "deleted",
      ]),
    )
    .option("--json", "print JSON")
    .action((options: AdminTarget & { group?: string; status?: string; json?: boolean }) =>
      run(async () => {
        const found: KeyAnswer[] = [];
        let cursor: string | null = null;
        do {
          const query = new URLSearchParams({ limit: "1000" });
          if (options.group !== undefined) query.set("group", options.group);
          if (options.status !== undefined) query.set("status", options.status);
          if (cursor !== null) query.set("cursor", cursor);
          const page = (await adminRequest(options, "GET", `/keys?${query}`)) as {
            data: KeyAnswer[];
            next_cursor: string | null;
          };
          found.push(...page.data);
          cursor = page.next_cursor;
        } while (cursor !== null);
        if (options.json === true) process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
        else process.stdout.write(found.length === 0 ? "No keys.\n" : table(found));
      }),
    );

  withTarget(
    keys.command("revoke").description("revoke a key at once").argument("<id>", "the key's public id"),
  ).action((id: string, options: AdminTarget) =>
    run(async () => {
      const revoked = (await adminRequest(
        options,
        "POST",
        `/keys/${encodeURIComponent(id)}/revoke`,
      )) as KeyAnswer;
      process.stdout.write(`Revoked key ${describe(revoked)}.\n`);
    }),
  );

  withTarget(
    keys
      .command("rotate")
      .description("give a key a new secret (same id); prints it once")
      .argument("<id>", "the key's public id"),
  )
    .option(
      "--grace <duration>",
      "how long the old secret keeps working, e.g. 0, 90s, 30m, 24h, 7d",
      duration,
      86_400,
    )
    .option("--json", "print the whole answer as JSON (it holds the secret)")
    .action((id: string, options: AdminTarget & { grace: number; json?: boolean }) =>
      run(async () => {
        const rotated = (await adminRequest(options, "POST", `/keys/${encodeURIComponent(id)}/rotate`, {
          grace_seconds: options.grace,
        })) as KeyAnswer;
        const until = rotated.secrets.find((secret) => secret.not_after !== null)?.not_after;
        const note =
          until === undefined ? "The old secret no longer works." : `The old secret works until ${until}.`;
        printSecret(rotated, options.json === true, `Rotated key ${describe(rotated)}. ${note}`);
      }),
    );

  keys
    .command("generate")
    .description("make a key offline and print it with its digest, for governance.keys (or a master key)")
    .option("--master", "a master key, for governance.admin.master_keys")
    .option("--pepper-env <name>", "environment variable holding the pepper", PEPPER_ENV)
    .action((options: { master?: boolean; pepperEnv: string }) =>
      run(async () => {
        const pepper = process.env[options.pepperEnv];
        if (pepper === undefined || pepper === "")
          throw new Error(`No pepper: set ${options.pepperEnv} to the value of governance.auth.pepper.`);
        const hasher = new KeyHasher(pepper);
        if (options.master === true) {
          const key = `sy-master-${randomBase62(43)}`;
          process.stdout.write(`${key}\n`);
          process.stderr.write(
            `Master key digest, for governance.admin.master_keys:\n  - "${hasher.digest(key)}"\n`,
          );
          return;
        }
        const { id, key } = generateKey();
        process.stdout.write(`${key}\n`);
        process.stderr.write(`For governance.keys:\n  - id: ${id}\n    digest: "${hasher.digest(key)}"\n`);
      }),
    );
  return keys;
}

interface CreateOptions {
  alias?: string;
  group?: string;
  route: string[];
  model: string[];
  expiresAt?: string;
  limits?: unknown;
  budgets?: unknown;
  metadata: Record<string, string>;
  json?: boolean;
}

function printSecret(answer: KeyAnswer, asJson: boolean, note: string): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${answer.key}\n`);
  process.stderr.write(`${note}\nThe secret above is shown only this once: store it now.\n`);
}

function describe(key: KeyAnswer): string {
  return key.alias === null ? key.id : `'${key.alias}' (${key.id})`;
}

function table(keys: readonly KeyAnswer[]): string {
  const rows = [
    ["ID", "ALIAS", "GROUP", "STATUS", "EXPIRES", "LAST USED"],
    ...keys.map((key) => [
      key.id,
      key.alias ?? "-",
      key.group ?? "-",
      key.status,
      key.expires_at ?? "-",
      key.last_used_at ?? "-",
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}

async function run(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    process.stderr.write(errorLine(error));
    process.exitCode = 1;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectPair(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("must be key=value.");
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function json(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidArgumentError("must be JSON.");
  }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function duration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError("must be a duration such as 0, 90s, 30m, 24h or 7d.");
  return Number(match[1]) * (UNITS[match[2] || "s"] ?? 1);
}
