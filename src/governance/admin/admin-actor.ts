/** Who made an admin call, for the audit log. */
export interface AdminActor {
  /** `master:<name>` (the master key's name from the config). */
  actor: string;
  ip: string | null;
  requestId: string | null;
}

/** The routes and target models of the live route table, which key scopes are checked against. */
export interface RouteCatalogue {
  routes: readonly string[];
  models: readonly string[];
}
