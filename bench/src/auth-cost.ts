import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_DIR } from "./bench-stack.js";

/**
 * CPU time of the gateway-key check per request, measured in-process on the built gateway (dist/): the check on
 * an open gateway (no key), with a warm gateway key (checksum, cache, HMAC, constant-time compare), and the HMAC
 * alone. Steadier than end-to-end figures on a busy machine, and the number to hold against the CPU µs per
 * request of the bench's paths: `npm run bench:auth`.
 */
type Admission = { ok: boolean };
interface AccessControlLike {
  admitInference(headers: Record<string, string>): Admission | Promise<Admission>;
  configure(governance: unknown, declared: unknown): void;
}

const load = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(REPO_DIR, "dist", path)).href)) as T;

const { KeyHasher } = await load<{ KeyHasher: new (pepper: string) => { digest(key: string): string } }>(
  "governance/keys/key-digest.js",
);
const { generateKey } = await load<{ generateKey(): { id: string; key: string } }>(
  "governance/keys/key-format.js",
);
const { AccessControl } = await load<{
  AccessControl: new (store: undefined, governance: unknown, declared: unknown) => AccessControlLike;
}>("governance/access/access-control.js");
const { declaredRecords } = await load<{ declaredRecords(governance: unknown, at: string): unknown }>(
  "governance/objects/declared-records.js",
);
const { defaultGovernanceConfig } = await load<{
  defaultGovernanceConfig(directory: string): {
    auth: { pepper?: string; required: boolean };
    keys: unknown[];
  };
}>("config/governance/governance-config.js");

const PEPPER = "bench-pepper-not-a-secret-0123";
const ITERATIONS = 200_000;
const { id, key } = generateKey();
const hasher = new KeyHasher(PEPPER);
const governance = defaultGovernanceConfig("/tmp");
governance.auth.pepper = PEPPER;
governance.keys = [
  {
    id,
    digest: hasher.digest(key),
    alias: "bench",
    group: null,
    routes: null,
    models: null,
    expiresAt: null,
    status: "active",
    limits: null,
    budgets: null,
    metadata: {},
  },
];
const access = new AccessControl(undefined, governance, declaredRecords(governance, "now"));
const common = { host: "127.0.0.1:18103", "content-type": "application/json", "content-length": "120" };
const withKey = { ...common, authorization: `Bearer ${key}` };

function cpuMicrosPerCall(work: () => void): number {
  for (let index = 0; index < ITERATIONS / 10; index++) work();
  const start = process.cpuUsage();
  for (let index = 0; index < ITERATIONS; index++) work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ITERATIONS;
}

const rows: [string, number][] = [];
governance.auth.required = false;
access.configure(governance, declaredRecords(governance, "now"));
rows.push(["open gateway, no key", cpuMicrosPerCall(() => access.admitInference(common))]);
governance.auth.required = true;
access.configure(governance, declaredRecords(governance, "now"));
rows.push([
  "keys required, a warm gateway key",
  cpuMicrosPerCall(() => {
    const admission = access.admitInference(withKey);
    if (admission instanceof Promise || !admission.ok) throw new Error("the bench key was refused");
  }),
]);
rows.push(["of which the HMAC-SHA-256 digest", cpuMicrosPerCall(() => hasher.digest(key))]);
process.stdout.write("| check | CPU µs per request |\n|---|---|\n");
for (const [label, micros] of rows) process.stdout.write(`| ${label} | ${micros.toFixed(2)} |\n`);
