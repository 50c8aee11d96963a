import type { Budget, Limits } from "../config/governance/limit-blocks.js";

/** A level of the hierarchy a key belongs to, with what is attached to it. */
export interface PrincipalScope {
  scope: "key" | "group" | "org";
  id: string;
  limits: Limits;
  budgets: Budget[];
}

/**
 * Who is calling: an authenticated gateway key, with its place in the hierarchy (key -> group -> org). Access
 * control produces it for each request; the limits engine reads `scopes` (most specific first) together with
 * the route's and the global limits. Never holds a secret.
 */
export interface Principal {
  /** The key's public id (`sk-sy-<id>-...`). */
  keyId: string;
  alias: string | undefined;
  group: string | undefined;
  org: string | undefined;
  scopes: PrincipalScope[];
  /** Route names or globs (`chat-*`) the key may call; null for every route. */
  routes: readonly string[] | null;
  /** Upstream model names or globs every target of a route must match for the key to call it; null for any. */
  models: readonly string[] | null;
}
