import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatConfigIssue } from "../config/config-issue.js";
import { consoleProtection, DEFAULT_CONSOLE_SETTINGS, isConsoleEnabled } from "../config/console-access.js";
import type { GatewayConfig } from "../config/gateway-config.js";
import { activeTestHooks, applyTestClockOffset } from "../config/test-hooks.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { tracingSettingsFrom } from "../observability/tracing/tracing-settings.js";
import { checkConfigInChildProcess } from "../server/config-check-process.js";
import { PACKAGE_VERSION } from "../server/package-version.js";
import { runPrimary } from "../server/primary.js";

export interface StartOptions {
  configPath: string;
  host: string;
  port: number;
  workers: number;
  shutdownTimeoutMs: number;
  watch: boolean;
}

/** `switchyard start`: validates the config, then serves it with a primary process and its workers. */
export async function startCommand(options: StartOptions): Promise<number | undefined> {
  applyTestClockOffset();
  const logger = createLogger();
  const hooks = activeTestHooks();
  if (hooks.length > 0) logger.warn(`test-only hooks are on (never in production): ${hooks.join(", ")}`);
  const file = resolve(options.configPath);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    process.stderr.write(`${file}: the config file does not exist or cannot be read\n`);
    return 1;
  }
  // Checked in a child process: this one becomes the primary, which lives as long as the gateway and should not
  // keep the validation code in its memory.
  const verdict = await checkConfigInChildProcess(text, file);
  if (!verdict.ok) {
    process.stderr.write(
      `Not starting: ${file} is invalid:\n${verdict.issues.map((issue) => `  ${formatConfigIssue(issue)}\n`).join("")}`,
    );
    return 1;
  }
  const config = verdict.config;
  for (const warning of verdict.warnings) logger.warn(`${file}: ${warning}`);
  try {
    // Checked here, once: a worker that found them wrong could only crash, and be replaced, forever.
    tracingSettingsFrom(process.env);
  } catch (error) {
    process.stderr.write(`Not starting: ${(error as Error).message}\n`);
    return 1;
  }
  runPrimary({
    ...options,
    configPath: file,
    configText: text,
    verdict,
    logger,
    onReady: (base) => {
      // Listening on every interface, Fastify reports the first address it finds; say what was asked for.
      const everywhere = options.host === "0.0.0.0" || options.host === "::";
      const listening = everywhere ? `http://${options.host}:${new URL(base).port} (every interface)` : base;
      logger.info(
        `Switchyard ${PACKAGE_VERSION} listening on ${listening} with ${options.workers} ${options.workers === 1 ? "worker" : "workers"}; config ${file}`,
      );
      for (const route of config.routes) {
        const target = route.targets[0];
        logger.info(
          `route ${route.name}: ${route.type} -> ${target?.provider}/${target?.model} at POST ${base}/gateway/${route.name}/invocations`,
        );
      }
      logAccessControl(logger, config, base);
      const consoleSettings = config.console ?? DEFAULT_CONSOLE_SETTINGS;
      if (isConsoleEnabled(consoleSettings, options.host, consoleProtection(config.governance)))
        logger.info(`web console at ${base}${consoleSettings.path}`);
      // The last start-up line (tests wait for it).
      logger.info(`API docs at ${base}/docs`);
    },
  });
  return undefined;
}

/** Says plainly whether anyone who reaches the port can spend the provider keys. */
function logAccessControl(logger: Logger, config: GatewayConfig, base: string): void {
  const { auth, store } = config.governance;
  if (!auth.required) {
    logger.warn(
      `the gateway is OPEN: governance.auth.required is not set, so anyone who can reach ${base} can call every route with its provider keys. Turn on gateway keys: docs/access-control.md`,
    );
    return;
  }
  const where = store.kind === "local" ? `embedded store ${store.path}` : "Redis store";
  const surfaces = Object.entries(auth.surfaces)
    .map(([surface, access]) => `${surface}: ${access}`)
    .join(", ");
  logger.info(
    `access control: every inference call needs a gateway key (${where}; ${surfaces}; /health open)`,
  );
}
