import { dirname } from "node:path";
import { isRouteType, OPERATION_OF_ROUTE_TYPE, ROUTE_TYPES, type RouteType } from "../canonical/index.js";
import { describeZodIssue } from "../dialects/zod-issue-text.js";
import type { ProviderDefinition } from "../providers/provider-definition.js";
import { findProvider, providerNames } from "../providers/registry.js";
import type { ConfigIssue } from "./config-issue.js";
import type { GatewayConfig, RouteConfig } from "./gateway-config.js";
import { ROUTE_TYPE_KEYS, type RouteEntry, routeEntrySchema } from "./route-entry-schema.js";
import { resolveSecretReference } from "./secret-reference.js";
import { YamlSource } from "./yaml-source.js";

export type ParseResult = { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] };

const TOP_LEVEL_KEYS = ["routes", "endpoints"];

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

  const context: RouteContext = { file, env, configDirectory: dirname(file), source, issues, listKey };
  const routes = list.map((entry, index) => parseRoute(entry, index, context));
  reportDuplicateNames(list, context);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: { routes: routes as RouteConfig[] } };
}

interface RouteContext {
  file: string;
  env: NodeJS.ProcessEnv;
  configDirectory: string;
  source: YamlSource;
  issues: ConfigIssue[];
  listKey: string;
}

function parseRoute(entry: unknown, index: number, context: RouteContext): RouteConfig | undefined {
  const path = [context.listKey, index];
  const route = routeNameOf(entry);
  const report = (field: readonly PropertyKey[], message: string, atKey = false): void => {
    const fullPath = [...path, ...field];
    const position = atKey ? context.source.keyPositionOf(fullPath) : context.source.positionOf(fullPath);
    const issue: ConfigIssue = { file: context.file, ...position, message };
    if (route !== undefined) issue.route = route;
    issue.field = field.length > 0 ? field.join(".") : `${context.listKey}[${index}]`;
    context.issues.push(issue);
  };

  const parsed = routeEntrySchema.safeParse(entry, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys)
          report([...issue.path, key], `unknown key '${key}'; allowed: ${allowedKeysAt(issue.path)}`, true);
      } else if (issue.path.join(".") === "model.provider") {
        report(
          issue.path,
          `${describeZodIssue(issue, true)}; supported providers: ${providerNames().join(", ")}`,
        );
      } else {
        report(issue.path, describeZodIssue(issue, true));
      }
    }
    return undefined;
  }
  const type = routeTypeOf(parsed.data, report);
  const provider = findProvider(parsed.data.model.provider);
  if (provider === undefined) {
    report(
      ["model", "provider"],
      `unknown provider '${parsed.data.model.provider}'; supported providers: ${providerNames().join(", ")}`,
    );
    return undefined;
  }
  if (type !== undefined && !provider.operations.includes(OPERATION_OF_ROUTE_TYPE[type])) {
    const served = ROUTE_TYPES.filter((candidate) =>
      provider.operations.includes(OPERATION_OF_ROUTE_TYPE[candidate]),
    );
    report(
      ["model", "provider"],
      `provider '${provider.name}' cannot serve ${type} routes; it serves: ${served.join(", ")}`,
    );
  }
  const model = parsed.data.model.name ?? provider.defaultModelName;
  if (model === undefined)
    report(
      ["model", "name"],
      `is required for provider '${provider.name}' (the upstream model, e.g. the provider's model id)`,
    );
  const config = parseProviderConfig(provider, parsed.data.model.config, context, report);
  if (type === undefined || model === undefined || config === undefined) return undefined;
  return {
    name: parsed.data.name,
    type,
    targets: [{ provider: provider.name, model, config }],
    timeouts: parsed.data.timeouts,
  };
}

function routeTypeOf(
  entry: RouteEntry,
  report: (field: PropertyKey[], message: string) => void,
): RouteType | undefined {
  const given = ROUTE_TYPE_KEYS.filter((key) => entry[key] !== undefined);
  if (given.length === 0) {
    // Reported at the route, which lacks the key.
    report(["type"], `is required (one of: ${ROUTE_TYPES.join(", ")})`);
    return undefined;
  }
  const first = given[0] as (typeof ROUTE_TYPE_KEYS)[number];
  const conflicting = given.find((key) => entry[key] !== entry[first]);
  if (conflicting !== undefined) {
    report(
      [conflicting],
      `is '${entry[conflicting]}' but ${first} is '${entry[first]}'; type, route_type and endpoint_type are one setting, so give it once`,
    );
    return undefined;
  }
  const value = entry[first];
  if (!isRouteType(value)) {
    report([first], `unsupported route type '${value}'; allowed: ${ROUTE_TYPES.join(", ")}`);
    return undefined;
  }
  return value;
}

function parseProviderConfig(
  provider: ProviderDefinition,
  raw: Record<string, unknown> | undefined,
  context: RouteContext,
  report: (field: PropertyKey[], message: string, atKey?: boolean) => void,
): Record<string, unknown> | undefined {
  const resolved: Record<string, unknown> = { ...(raw ?? {}) };
  let secretsOk = true;
  for (const field of provider.secretFields) {
    const reference = resolved[field];
    if (typeof reference !== "string") continue;
    const secret = resolveSecretReference(reference, context.configDirectory, context.env);
    if (secret.ok) resolved[field] = secret.value;
    else {
      report(["model", "config", field], secret.message);
      secretsOk = false;
    }
  }
  // Inputs are reported (so a wrong type is not mistaken for a missing key) but never echoed: a config value
  // may be a secret.
  const parsed = provider.configSchema.safeParse(resolved, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const allowed = allowedProviderKeys(provider);
        for (const key of issue.keys) {
          report(
            ["model", "config", ...issue.path, key],
            `unknown key '${key}' for provider '${provider.name}'; allowed: ${allowed}`,
            true,
          );
        }
      } else {
        report(["model", "config", ...issue.path], describeZodIssue(issue, false));
      }
    }
    return undefined;
  }
  return secretsOk ? parsed.data : undefined;
}

/** Checks the names as written, so a duplicate is reported even when one of the two routes has other errors. */
function reportDuplicateNames(entries: unknown[], context: RouteContext): void {
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

function routeNameOf(entry: unknown): string | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const name = (entry as Record<string, unknown>).name;
  return typeof name === "string" ? name : undefined;
}

/** The kind of a value, never the value itself. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "nothing";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

function allowedKeysAt(path: readonly PropertyKey[]): string {
  if (path.length === 0) return Object.keys(routeEntrySchema.shape).join(", ");
  if (path[0] === "model" && path.length === 1)
    return Object.keys(routeEntrySchema.shape.model.shape).join(", ");
  if (path[0] === "timeouts" && path.length === 1) return "first_byte_seconds, idle_seconds, total_seconds";
  return "see the config reference";
}

function allowedProviderKeys(provider: ProviderDefinition): string {
  const schema = provider.configSchema as unknown as { shape?: Record<string, unknown> };
  return schema.shape === undefined
    ? "see the config reference"
    : Object.keys(schema.shape).join(", ") || "(none)";
}
