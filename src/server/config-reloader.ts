import { readFile } from "node:fs/promises";
import { formatConfigIssue } from "../config/config-issue.js";
import { configSecrets } from "../config/config-secrets.js";
import type { GatewayConfig } from "../config/gateway-config.js";
import { parseConfig } from "../config/parse-config.js";
import type { Logger } from "../observability/logger.js";
import type { PrimaryMetrics } from "../observability/metrics.js";
import { gatewaySecrets } from "../observability/secret-set.js";

/**
 * Decides whether a config file's current content replaces the running config. A file that cannot be read or
 * does not validate is logged (with line numbers) and ignored: the last good config keeps serving. Every
 * config it accepts adds its keys to the process's secrets, so the primary's own log lines are redacted too.
 */
export class ConfigReloader {
  private acceptedText: string;
  private currentVersion = 1;

  constructor(
    private readonly path: string,
    initialText: string,
    private current: GatewayConfig,
    private readonly logger: Logger,
    private readonly metrics: PrimaryMetrics,
  ) {
    this.acceptedText = initialText;
    gatewaySecrets.add(configSecrets(current));
  }

  get config(): GatewayConfig {
    return this.current;
  }

  get version(): number {
    return this.currentVersion;
  }

  /**
   * Returns the new config when it should be applied, else undefined. An unchanged file is ignored, unless
   * `force` (SIGHUP): keys read from environment variables or key files may have changed while the text did not.
   */
  async reload(reason: string, force: boolean): Promise<GatewayConfig | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      this.logger.error(
        { file: this.path, reason, code: (error as NodeJS.ErrnoException).code },
        "the config file cannot be read; keeping the last good configuration",
      );
      this.metrics.reloads.inc({ result: "rejected" });
      return undefined;
    }
    if (text === this.acceptedText && !force) return undefined;
    const result = parseConfig(text, this.path, process.env);
    if (!result.ok) {
      for (const issue of result.issues) {
        this.logger.error(
          { file: issue.file, line: issue.line, reason },
          `config not reloaded: ${formatConfigIssue(issue)}`,
        );
      }
      this.logger.error(
        { file: this.path, reason },
        "the configuration is invalid; keeping the last good configuration",
      );
      this.metrics.reloads.inc({ result: "rejected" });
      return undefined;
    }
    this.acceptedText = text;
    gatewaySecrets.add(configSecrets(result.config));
    this.current = result.config;
    this.currentVersion++;
    this.metrics.reloads.inc({ result: "applied" });
    const names = result.config.routes.map((route) => route.name).join(", ") || "(no routes)";
    this.logger.info(
      { reason, routes: result.config.routes.length, version: this.currentVersion },
      `configuration reloaded: ${names}`,
    );
    return result.config;
  }
}
