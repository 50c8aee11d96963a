import { readFile } from "node:fs/promises";
import { formatConfigIssue } from "../config/config-issue.js";
import type { GatewayConfig } from "../config/gateway-config.js";
import type { Logger } from "../observability/logger.js";
import { gatewaySecrets } from "../observability/secret-set.js";
import type { ConfigVerdict } from "./config-verdict.js";

/** Checks a config file's text (in production, in a child process: config-check-process.ts). */
export type ConfigCheck = (text: string, file: string) => Promise<ConfigVerdict>;

/** Where the reloader counts its outcomes (the primary's `switchyard_config_reloads_total`). */
export interface ReloadCounter {
  count(result: "applied" | "rejected"): void;
}

/**
 * Decides whether a config file's current content replaces the running config. A file that cannot be read or
 * does not validate is logged (with line numbers) and ignored: the last good config keeps serving. Every
 * config it accepts adds its keys to the process's secrets, so the primary's own log lines are redacted too.
 * Reloads run one at a time, in the order asked: a check takes a while, and a slow check of an older text must
 * not replace a newer one.
 */
export class ConfigReloader {
  private acceptedText: string;
  private current: GatewayConfig;
  private currentVersion = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    initialText: string,
    initial: Extract<ConfigVerdict, { ok: true }>,
    private readonly check: ConfigCheck,
    private readonly logger: Logger,
    private readonly counter: ReloadCounter,
  ) {
    this.acceptedText = initialText;
    this.current = initial.config;
    gatewaySecrets.add(initial.secrets);
  }

  get config(): GatewayConfig {
    return this.current;
  }

  get version(): number {
    return this.currentVersion;
  }

  /**
   * Resolves with the new config when it should be applied, else undefined. An unchanged file is ignored, unless
   * `force` (SIGHUP): keys read from environment variables or key files may have changed while the text did not.
   */
  reload(reason: string, force: boolean): Promise<GatewayConfig | undefined> {
    const outcome = this.queue.then(() => this.reloadNow(reason, force));
    this.queue = outcome.catch(() => undefined);
    return outcome;
  }

  private async reloadNow(reason: string, force: boolean): Promise<GatewayConfig | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      this.logger.error(
        { file: this.path, reason, code: (error as NodeJS.ErrnoException).code },
        "the config file cannot be read; keeping the last good configuration",
      );
      this.counter.count("rejected");
      return undefined;
    }
    if (text === this.acceptedText && !force) return undefined;
    const verdict = await this.check(text, this.path);
    if (!verdict.ok) {
      for (const issue of verdict.issues) {
        this.logger.error(
          { file: issue.file, line: issue.line, reason },
          `config not reloaded: ${formatConfigIssue(issue)}`,
        );
      }
      this.logger.error(
        { file: this.path, reason },
        "the configuration is invalid; keeping the last good configuration",
      );
      this.counter.count("rejected");
      return undefined;
    }
    this.acceptedText = text;
    gatewaySecrets.add(verdict.secrets);
    for (const warning of verdict.warnings) this.logger.warn(`${this.path}: ${warning}`);
    this.current = verdict.config;
    this.currentVersion++;
    this.counter.count("applied");
    const names = verdict.config.routes.map((route) => route.name).join(", ") || "(no routes)";
    this.logger.info(
      { reason, routes: verdict.config.routes.length, version: this.currentVersion },
      `configuration reloaded: ${names}`,
    );
    return verdict.config;
  }
}
