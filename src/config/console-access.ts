// The console's settings and when it is served, apart from their schema (console-settings.ts), so the primary
// process can say where the console is without loading the config's validation code.

/** The `console:` block: the web console the gateway serves (docs/console.md). Applies at start. */
export interface ConsoleSettings {
  /** `undefined`: on when the gateway listens on a loopback address only or an admin key protects it. */
  enabled: boolean | undefined;
  /** Where the console is served, e.g. `/ui`. */
  path: string;
}

export const DEFAULT_CONSOLE_SETTINGS: ConsoleSettings = { enabled: undefined, path: "/ui" };

/** What of access control decides whether the console is on by default (config/governance). */
export interface ConsoleProtection {
  /** How the console's data is reached (it follows `/metrics`): `key` closes it to anyone without a key. */
  dataSurface: "open" | "key" | "off";
  /** Master keys are configured and the admin API is served: the console has an admin key to sign in with. */
  adminKeys: boolean;
}

/**
 * Whether the console is served. Unless the config says, when the gateway is reachable from this machine alone,
 * or when an admin key protects it (its data needs a key and there are master keys to sign in with): the console
 * shows routes and traffic and its playground sends requests, which a gateway open to a network should not
 * offer to anyone without the operator's say.
 */
export function isConsoleEnabled(
  settings: ConsoleSettings | undefined,
  host: string,
  protection?: ConsoleProtection,
): boolean {
  return settings?.enabled ?? (isLoopbackHost(host) || isProtected(protection));
}

export function isProtected(protection: ConsoleProtection | undefined): boolean {
  return protection !== undefined && protection.dataSurface === "key" && protection.adminKeys;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The console's protection under a config's access control. */
export function consoleProtection(governance: {
  auth: { surfaces: { metrics: "open" | "key" | "off"; admin: "key" | "off" } };
  admin: { masterKeys: readonly unknown[] };
}): ConsoleProtection {
  return {
    dataSurface: governance.auth.surfaces.metrics,
    adminKeys: governance.auth.surfaces.admin === "key" && governance.admin.masterKeys.length > 0,
  };
}
