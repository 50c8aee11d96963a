import { dirname } from "node:path";
import { describeZodIssue } from "../dialects/zod-issue-text.js";
import type { ConfigIssue } from "./config-issue.js";
import type { GatewayConfig, RouteConfig } from "./gateway-config.js";
import { parseGovernance } from "./governance/parse-governance.js";
import type { ParseContext } from "./issue-reporter.js";
import { parseRoute, routeNameOf } from "./parse-route.js";
import { SERVER_KEYS, serverSettingsSchema } from "./server-settings.js";
import { YamlSource } from "./yaml-source.js";

export type ParseResult = { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] };

const TOP_LEVEL_KEYS = ["routes", "endpoints", "server", "governance"];

/**
 * Parses and validates a config file's text completely: syntax, shape, providers, route types, provider
 * configs and secrets. Either every route is valid or nothing is returned: a half-loaded config is never served.
 */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv): ParseResult {
  const source = new YamlSource(text);
  const issues: ConfigIssue[] = [];
  const report = (path: readonly PropertyKey[], message: string, extra: Partial<ConfigIssue> = {}): void => {
    issues.push({ file, ...source.positionOf(path), message, ...extra });
  };

  if (source.syntaxProblems.length > 0) {
    return {
      ok: false,
      issues: source.syntaxProblems.map((problem) => ({
        file,
        ...problem,
        message: `YAML syntax error: ${problem.message}`,
      })),
    };
  }
  const root = source.data;
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    report(
      [],
      root === undefined || root === null
        ? "the file is empty; it needs a 'routes' list (it may be empty: routes: [])"
        : `the file must be a mapping with a 'routes' list at the top (found ${describeValue(root)})`,
    );
    return { ok: false, issues };
  }
  const rootRecord = root as Record<string, unknown>;
  for (const key of Object.keys(rootRecord)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      issues.push({
        file,
        ...source.keyPositionOf([key]),
        field: key,
        message: `unknown top-level key '${key}'; allowed: ${TOP_LEVEL_KEYS.join(", ")}`,
      });
    }
  }
  if ("routes" in rootRecord && "endpoints" in rootRecord) {
    issues.push({
      file,
      ...source.keyPositionOf(["endpoints"]),
      field: "endpoints",
      message: `both 'routes' (line ${source.keyPositionOf(["routes"]).line}) and 'endpoints' are present; they are the same list, so use one of them`,
    });
    return { ok: false, issues };
  }
  const listKey = "endpoints" in rootRecord ? "endpoints" : "routes";
  const list = rootRecord[listKey];
  if (!Array.isArray(list)) {
    if (!(listKey in rootRecord)) {
      report([], "the file needs a 'routes' list (it may be empty: routes: [])", { field: listKey });
    } else if (list === null) {
      issues.push({
        file,
        ...source.keyPositionOf([listKey]),
        field: listKey,
        message: `'${listKey}' has no value; list the routes under it (or write ${listKey}: [] for none)`,
      });
    } else {
      report([listKey], `must be a list of routes (found ${describeValue(list)})`, { field: listKey });
    }
    return { ok: false, issues };
  }

  const context: ParseContext = { file, env, configDirectory: dirname(file), source, issues, listKey };
  const routes = list.map((entry, index) => parseRoute(entry, index, context));
  reportDuplicateNames(list, context);
  // An empty `server:` block (every line commented out) is YAML null: the defaults, as with no block at all.
  const server = serverSettingsSchema.safeParse(rootRecord.server ?? undefined, { reportInput: true });
  if (!server.success) {
    for (const issue of server.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          issues.push({
            file,
            ...source.keyPositionOf(["server", key]),
            field: `server.${key}`,
            message: `unknown key '${key}'; allowed: ${SERVER_KEYS}`,
          });
        }
      } else {
        const field = ["server", ...issue.path].join(".");
        issues.push({
          file,
          ...source.positionOf(["server", ...issue.path]),
          field,
          message: describeZodIssue(issue, true),
        });
      }
    }
  }
  const governance = parseGovernance(
    rootRecord.governance,
    context,
    routes.filter((route): route is RouteConfig => route !== undefined),
  );
  if (issues.length > 0 || !server.success || governance === undefined) return { ok: false, issues };
  return { ok: true, config: { routes: routes as RouteConfig[], server: server.data, governance } };
}

/** Checks the names as written, so a duplicate is reported even when one of the two routes has other errors. */
function reportDuplicateNames(entries: unknown[], context: ParseContext): void {
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    const name = routeNameOf(entry);
    if (name === undefined) return;
    const earlier = firstIndex.get(name);
    if (earlier === undefined) {
      firstIndex.set(name, index);
      return;
    }
    const first = context.source.positionOf([context.listKey, earlier, "name"]);
    const second = context.source.positionOf([context.listKey, index, "name"]);
    context.issues.push({
      file: context.file,
      ...second,
      route: name,
      field: "name",
      message: `duplicate route name '${name}' (first defined at line ${first.line}, again at line ${second.line}); route names must be unique`,
    });
  });
}

/** The kind of a value, never the value itself. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "nothing";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}
