import type { RouteConfig } from "../gateway-config.js";
import type { GovernanceConfig } from "./governance-config.js";
import { globPattern } from "./key-fields.js";

/** Reports a problem at a path under `governance`. */
export type ReportGovernanceIssue = (path: readonly PropertyKey[], message: string, atKey?: boolean) => void;

/**
 * What no single block can check: references between blocks and to routes, and settings that depend on one
 * another. Runs once every block is valid.
 */
export function checkGovernanceReferences(
  governance: GovernanceConfig,
  raw: Record<string, unknown>,
  routes: readonly RouteConfig[],
  report: ReportGovernanceIssue,
): void {
  const { auth, admin, keys, groups, orgs } = governance;
  const needsPepper = [
    auth.required && "governance.auth.required is true",
    admin.masterKeys.length > 0 && "master keys are configured (keys can be created)",
    keys.length > 0 && "keys are declared",
    Object.values(auth.surfaces).includes("key") && "a surface is reachable with a key",
  ].filter((reason): reason is string => typeof reason === "string");
  if (auth.pepper === undefined && needsPepper.length > 0)
    report(
      ["auth", "pepper"],
      `is needed because ${needsPepper.join(" and ")}: gateway keys are stored as HMAC digests keyed with it. ` +
        "Set it to a secret reference, e.g. pepper: $SWITCHYARD_KEY_PEPPER (generate one with: openssl rand -base64 32)",
    );
  const adminSurface = (raw.auth as { surfaces?: { admin?: unknown } } | undefined)?.surfaces?.admin;
  if (adminSurface === undefined) auth.surfaces.admin = admin.masterKeys.length > 0 ? "key" : "off";
  else if (adminSurface === "key" && admin.masterKeys.length === 0)
    report(
      ["auth", "surfaces", "admin"],
      "'key' needs at least one master key in governance.admin.master_keys",
    );

  const orgIds = new Set(orgs.map((org) => org.id));
  groups.forEach((group, index) => {
    if (group.org !== null && !orgIds.has(group.org))
      report(
        ["groups", index, "org"],
        `names no org: '${group.org}' is not in governance.orgs${listOf(orgIds)}`,
      );
  });
  const groupIds = new Set(groups.map((group) => group.id));
  const routeNames = routes.map((route) => route.name);
  const models = [...new Set(routes.flatMap((route) => route.targets.map((target) => target.model)))];
  keys.forEach((key, index) => {
    if (key.group !== null && !groupIds.has(key.group))
      report(
        ["keys", index, "group"],
        `names no group: '${key.group}' is not in governance.groups${listOf(groupIds)}`,
      );
    key.routes?.forEach((pattern, position) => {
      const problem = unmatchedPattern(pattern, routeNames, "route");
      if (problem !== undefined) report(["keys", index, "routes", position], problem);
    });
    key.models?.forEach((pattern, position) => {
      const problem = unmatchedPattern(pattern, models, "model");
      if (problem !== undefined) report(["keys", index, "models", position], problem);
    });
  });
}

/** A scope entry must match something, so a typo is an error rather than a key that can call nothing. */
export function unmatchedPattern(
  pattern: string,
  names: readonly string[],
  what: "route" | "model",
): string | undefined {
  const regex = globPattern(pattern);
  if (names.some((name) => regex.test(name))) return undefined;
  const known = names.length === 0 ? `there are no ${what}s` : `${what}s: ${names.slice(0, 20).join(", ")}`;
  return `'${pattern}' matches no ${what === "route" ? "route" : "target model of any route"} (${known})`;
}

function listOf(ids: ReadonlySet<string>): string {
  return ids.size === 0 ? " (none are defined)" : ` (defined: ${[...ids].slice(0, 20).join(", ")})`;
}
