import { dirname } from "node:path";
import type { z } from "zod";
import { describeZodIssue } from "../dialects/zod-issue-text.js";
import type { ConfigIssue } from "./config-issue.js";
import { CONSOLE_KEYS, consoleSettingsSchema } from "./console-settings.js";
import type { GatewayConfig, RouteConfig } from "./gateway-config.js";
import { parseGovernance } from "./governance/parse-governance.js";
import type { ParseContext } from "./issue-reporter.js";
import { OVERLOAD_KEYS } from "./overload-settings.js";
import { parseRoute, routeNameOf } from "./parse-route.js";
import {
  RESPONSES_STORE_KEYS,
  responsesSettingsSchema,
  settleResponsesSettings,
} from "./responses-settings.js";
import { SERVER_KEYS, serverSettingsSchema } from "./server-settings.js";
import { YamlSource } from "./yaml-source.js";

export type ParseResult = { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] };

const TOP_LEVEL_KEYS = ["routes", "endpoints", "server", "governance", "console", "responses"];

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
  reportClashingAliases(list, context);
  // An empty `server:` block (every line commented out) is YAML null: the defaults, as with no block at all.
  const server = serverSettingsSchema.safeParse(rootRecord.server ?? undefined, { reportInput: true });
  if (!server.success) {
    for (const issue of server.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const where = ["server", ...issue.path.map(String)];
        const allowed = issue.path[0] === "overload" ? OVERLOAD_KEYS : SERVER_KEYS;
        for (const key of issue.keys) {
          issues.push({
            file,
            ...source.keyPositionOf([...where, key]),
            field: [...where, key].join("."),
            message: `unknown key '${key}'; allowed: ${allowed}`,
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
  const consoleSettings = parseBlock(
    "console",
    consoleSettingsSchema,
    CONSOLE_KEYS,
    rootRecord.console,
    context,
  );
  const governance = parseGovernance(
    rootRecord.governance,
    context,
    routes.filter((route): route is RouteConfig => route !== undefined),
  );
  const responses = responsesSettingsSchema.safeParse(rootRecord.responses ?? undefined, {
    reportInput: true,
  });
  if (!responses.success) {
    for (const issue of responses.error.issues) {
      const path = ["responses", ...issue.path];
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const allowed = issue.path.length === 0 ? "store" : RESPONSES_STORE_KEYS;
          issues.push({
            file,
            ...source.keyPositionOf([...path, key]),
            field: [...path, key].join("."),
            message: `unknown key '${key}'; allowed: ${allowed}`,
          });
        }
      } else {
        issues.push({
          file,
          ...source.positionOf(path),
          field: path.join("."),
          message: describeZodIssue(issue, true),
        });
      }
    }
  }
  const settled = responses.success
    ? settleResponsesSettings(responses.data, governance?.store, context)
    : undefined;
  if (settled !== undefined && "issue" in settled) {
    const path = ["responses", "store", settled.issue.key];
    issues.push({
      file,
      ...source.positionOf(path),
      field: path.join("."),
      message: settled.issue.message,
    });
  }
  if (
    issues.length > 0 ||
    !server.success ||
    governance === undefined ||
    consoleSettings === undefined ||
    settled === undefined ||
    "issue" in settled
  )
    return { ok: false, issues };
  return {
    ok: true,
    config: {
      routes: routes as RouteConfig[],
      server: server.data,
      governance,
      console: consoleSettings,
      responses: settled.settings,
    },
  };
}

/** Validates one top-level block with its schema, reporting each problem at its line; undefined when invalid. */
function parseBlock<T>(
  key: string,
  schema: z.ZodType<T>,
  allowedKeys: string,
  value: unknown,
  context: ParseContext,
): T | undefined {
  // An empty block (every line commented out) is YAML null: the defaults, as with no block at all.
  const result = schema.safeParse(value ?? undefined, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const unknown of issue.keys) {
        context.issues.push({
          file: context.file,
          ...context.source.keyPositionOf([key, unknown]),
          field: `${key}.${unknown}`,
          message: `unknown key '${unknown}'; allowed: ${allowedKeys}`,
        });
      }
    } else {
      context.issues.push({
        file: context.file,
        ...context.source.positionOf([key, ...issue.path]),
        field: [key, ...issue.path].join("."),
        message: describeZodIssue(issue, true),
      });
    }
  }
  return undefined;
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

/**
 * An alias selects a route wherever a request names a model, so it must not be the name or alias of any route
 * (its own included): the same model name cannot select two routes. Reported at the alias that comes second.
 */
function reportClashingAliases(entries: unknown[], context: ParseContext): void {
  const owners = new Map<string, { index: number; path: PropertyKey[] }>();
  entries.forEach((entry, index) => {
    const name = routeNameOf(entry);
    if (name !== undefined && !owners.has(name))
      owners.set(name, { index, path: [context.listKey, index, "name"] });
  });
  entries.forEach((entry, index) => {
    const aliases = aliasesOf(entry);
    aliases.forEach((alias, position) => {
      const path = [context.listKey, index, "aliases", position];
      const owner = owners.get(alias);
      if (owner === undefined) {
        owners.set(alias, { index, path });
        return;
      }
      const ownerRoute = routeNameOf(entries[owner.index]) ?? `#${owner.index + 1}`;
      const where = context.source.positionOf(owner.path);
      const what = owner.path.at(-2) === "aliases" ? "an alias" : "the name";
      const whose = owner.index === index ? "this route" : `route '${ownerRoute}'`;
      const issue: ConfigIssue = {
        file: context.file,
        ...context.source.positionOf(path),
        field: `aliases.${position}`,
        message: `alias '${alias}' is already ${what} of ${whose} (line ${where.line}); a model name can select only one route`,
      };
      const route = routeNameOf(entry);
      if (route !== undefined) issue.route = route;
      context.issues.push(issue);
    });
  });
}

function aliasesOf(entry: unknown): string[] {
  if (typeof entry !== "object" || entry === null) return [];
  const aliases = (entry as Record<string, unknown>).aliases;
  return Array.isArray(aliases) ? aliases.filter((alias): alias is string => typeof alias === "string") : [];
}

/** The kind of a value, never the value itself. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "nothing";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}
