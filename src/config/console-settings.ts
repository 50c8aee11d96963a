import { z } from "zod";
import { type ConsoleSettings, DEFAULT_CONSOLE_SETTINGS } from "./console-access.js";

export {
  type ConsoleProtection,
  type ConsoleSettings,
  consoleProtection,
  DEFAULT_CONSOLE_SETTINGS,
  isConsoleEnabled,
  isLoopbackHost,
  isProtected,
} from "./console-access.js";

/** Paths the gateway's APIs own: a console under one of them would hide an API or be hidden by it. */
const RESERVED_PREFIXES = [
  "/admin",
  "/v1",
  "/api",
  "/gateway",
  "/endpoints",
  "/docs",
  "/openapi.json",
  "/metrics",
  "/health",
];

export const CONSOLE_KEYS = "enabled, path";

export const consoleSettingsSchema = z
  .object({
    enabled: z.boolean().optional(),
    path: z
      .string()
      .refine(
        (path) => /^(\/[A-Za-z0-9._-]+)+$/.test(path),
        "must be a path like /ui: segments of letters, digits, '.', '_' or '-', starting with '/' and no trailing '/'",
      )
      .refine(
        (path) => !RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
        `must not be under a path of the gateway's APIs (${RESERVED_PREFIXES.join(", ")})`,
      )
      .optional(),
  })
  .strict()
  .optional()
  .transform(
    (value): ConsoleSettings => ({
      enabled: value?.enabled,
      path: value?.path ?? DEFAULT_CONSOLE_SETTINGS.path,
    }),
  );
