import { isRouteType, ROUTE_TYPES, type RouteType } from "../canonical/index.js";
import { describeZodIssue } from "../dialects/zod-issue-text.js";
import { providerNames } from "../providers/registry.js";
import type { RouteConfig, TargetConfig } from "./gateway-config.js";
import { BUDGET_KEYS, LIMIT_KEYS, PRICE_KEYS } from "./governance/limit-blocks.js";
import { type ParseContext, type ReportIssue, routeReporter } from "./issue-reporter.js";
import { parseTarget } from "./parse-target.js";
import { CIRCUIT_BREAKER_KEYS, RETRY_KEYS } from "./resilience-settings.js";
import {
  ROUTE_TYPE_KEYS,
  type RouteEntry,
  routeEntrySchema,
  targetEntrySchema,
} from "./route-entry-schema.js";
import { parseRouteGovernance } from "./route-governance.js";
import { TIMEOUT_KEYS } from "./route-timeouts.js";

/** Validates one entry of `routes:`: its shape, its type, its target or targets, and its resilience settings. */
export function parseRoute(entry: unknown, index: number, context: ParseContext): RouteConfig | undefined {
  const report = routeReporter(context, index, routeNameOf(entry));
  const parsed = routeEntrySchema.safeParse(entry, { reportInput: true });
  if (!parsed.success) {
    // The schema cannot require "one of `model` and `targets`", so a route lacking both is named here too:
    // otherwise that problem would only surface once the others are fixed. It comes first, at the route.
    if (lacksTargets(entry)) report(["model"], MISSING_TARGETS);
    reportShapeIssues(parsed.error.issues, [], report);
    return undefined;
  }
  const route = parsed.data;
  const type = routeTypeOf(route, report);
  if (route.model !== undefined && route.targets !== undefined) {
    report(["targets"], "a route has either 'model' (one target) or 'targets' (several), not both", true);
    return undefined;
  }
  if (route.model === undefined && route.targets === undefined) {
    report(["model"], MISSING_TARGETS);
    return undefined;
  }
  const strategy = route.strategy ?? "fallback";
  const targets: (TargetConfig | undefined)[] =
    route.model !== undefined
      ? [parseTarget(route.model, ["model"], type, route.timeouts, context, report)]
      : (route.targets ?? []).map((target, position) => {
          const path = ["targets", position];
          const shape = targetEntrySchema.safeParse(target, { reportInput: true });
          if (!shape.success) {
            reportShapeIssues(shape.error.issues, path, report);
            return undefined;
          }
          if (shape.data.weight !== undefined && strategy !== "weighted") {
            report(
              [...path, "weight"],
              "only applies with 'strategy: weighted' (this route uses fallback, in order)",
            );
          }
          return parseTarget(shape.data, path, type, route.timeouts, context, report);
        });
  const governance = parseRouteGovernance(route, report);
  if (type === undefined || governance === undefined || targets.some((target) => target === undefined))
    return undefined;
  return {
    name: route.name,
    ...(route.aliases === undefined || route.aliases.length === 0 ? {} : { aliases: route.aliases }),
    type,
    strategy,
    targets: targets as TargetConfig[],
    retries: route.retries,
    circuitBreaker: route.circuit_breaker,
    maxInFlight: route.max_in_flight ?? null,
    governance,
  };
}

const MISSING_TARGETS = "is required (or 'targets', a list of several models)";

/** A mapping with neither `model` nor `targets` (a route that is not a mapping has a different problem). */
function lacksTargets(entry: unknown): boolean {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return false;
  return !("model" in entry) && !("targets" in entry);
}

type ZodIssues = Parameters<typeof describeZodIssue>[0][];

function reportShapeIssues(issues: ZodIssues, prefix: readonly PropertyKey[], report: ReportIssue): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        report([...path, key], `unknown key '${key}'; allowed: ${allowedKeysAt(path)}`, true);
    } else if (path.at(-1) === "provider") {
      report(path, `${describeZodIssue(issue, true)}; supported providers: ${providerNames().join(", ")}`);
    } else {
      report(path, describeZodIssue(issue, true));
    }
  }
}

function routeTypeOf(entry: RouteEntry, report: ReportIssue): RouteType | undefined {
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

export function routeNameOf(entry: unknown): string | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const name = (entry as Record<string, unknown>).name;
  return typeof name === "string" ? name : undefined;
}

function allowedKeysAt(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  if (path.length === 0) return Object.keys(routeEntrySchema.shape).join(", ");
  if (path[0] === "targets" && path.length === 2) return Object.keys(targetEntrySchema.shape).join(", ");
  if (last === "model")
    return Object.keys(targetEntrySchema.shape)
      .filter((key) => key !== "weight" && key !== "timeouts" && key !== "price")
      .join(", ");
  if (last === "timeouts") return TIMEOUT_KEYS;
  if (last === "retries") return RETRY_KEYS;
  if (last === "circuit_breaker") return CIRCUIT_BREAKER_KEYS;
  if (last === "limits") return `${LIMIT_KEYS}, per_key`;
  if (last === "per_key") return LIMIT_KEYS;
  if (last === "limit") return "calls, renewal_period, key";
  if (last === "price") return PRICE_KEYS;
  if (path[0] === "budgets" && path.length === 2) return BUDGET_KEYS;
  return "see the config reference";
}
