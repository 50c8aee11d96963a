import { GatewayError } from "../../canonical/index.js";
import { globPattern } from "../../config/governance/key-fields.js";
import type { Principal } from "../principal.js";

interface CompiledScope {
  routes: RegExp[] | null;
  models: RegExp[] | null;
}

/** Globs compiled once per principal (principals are cached with their key), never per request. */
const compiled = new WeakMap<Principal, CompiledScope>();

/**
 * Whether a key may call a route: its name must match the key's `routes`, and every model the route can reach
 * (fallbacks included) must match the key's `models`, so no failover ever takes a key outside its scope.
 * Returns the 403 to answer, naming the scope, or undefined when the call is allowed.
 */
export function routeAccessDenial(
  principal: Principal,
  routeName: string,
  targetModels: readonly string[],
): GatewayError | undefined {
  if (principal.routes === null && principal.models === null) return undefined;
  let scope = compiled.get(principal);
  if (scope === undefined) {
    scope = {
      routes: principal.routes?.map(globPattern) ?? null,
      models: principal.models?.map(globPattern) ?? null,
    };
    compiled.set(principal, scope);
  }
  const who = `The gateway key ${principal.alias === undefined ? principal.keyId : `'${principal.alias}' (${principal.keyId})`}`;
  if (scope.routes !== null && !scope.routes.some((pattern) => pattern.test(routeName))) {
    return new GatewayError(
      "key_not_allowed",
      `${who} may not call route '${routeName}': it is outside the key's routes scope (${principal.routes?.join(", ")}).`,
    );
  }
  const models = scope.models;
  if (models !== null) {
    const outside = targetModels.find((model) => !models.some((pattern) => pattern.test(model)));
    if (outside !== undefined)
      return new GatewayError(
        "key_not_allowed",
        `${who} may not call route '${routeName}': the route can reach model '${outside}', outside the key's models scope (${principal.models?.join(", ")}).`,
      );
  }
  return undefined;
}
