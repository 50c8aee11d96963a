import type { GovernanceConfig } from "../../config/governance/governance-config.js";
import type { UsageSink } from "../../config/governance/usage-log-section.js";
import type { OwnedService } from "../../coordination/coordinator.js";
import type { Logger } from "../../observability/logger.js";
import { RedisUsageAggregates } from "./redis-usage-aggregates.js";
import { FileSink } from "./sinks/file-sink.js";
import { HttpSink } from "./sinks/http-sink.js";
import type { UsageSinkWriter } from "./sinks/usage-sink.js";
import { SqliteUsageAggregates, type UsageQuery, type UsageRow } from "./usage-aggregates.js";
import { USAGE_SERVICE, type UsageBatch } from "./usage-batch.js";
import type { UsageCount } from "./usage-tally.js";

export interface UsageServiceOptions {
  config: GovernanceConfig;
  logger?: Logger;
  /** Aggregates kept elsewhere (Redis); by default in the SQLite file beside the config. */
  aggregates?: UsageAggregates;
}

/** Per-day and per-hour counters behind the usage API, in SQLite (embedded store) or Redis. */
export interface UsageAggregates {
  /** Days hourly buckets are kept (a reload may change it). */
  hourlyRetentionDays?: number;
  add(counts: readonly UsageCount[]): void;
  flush(): void | Promise<void>;
  query(query: UsageQuery): UsageRow[] | Promise<UsageRow[]>;
  close(): void | Promise<void>;
}

/**
 * The owner process's side of the usage log: every worker's counts arrive here in batches and go to the per-day
 * aggregates, with the records for the file and HTTP sinks. One writer per gateway, so a file sink is never
 * written by two processes at once. The `stdout` sink is not here: each process writes its own records there
 * (usage-log-client.ts).
 */
export class UsageService implements OwnedService {
  readonly name = USAGE_SERVICE;
  private sinks: UsageSinkWriter[];
  private readonly aggregates: UsageAggregates | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: UsageServiceOptions) {
    this.sinks = this.createSinks(options.config.usageLog.sinks);
    const store = options.config.store;
    const retention = options.config.usageLog.hourlyRetentionDays;
    this.aggregates =
      options.aggregates ??
      (store.kind === "local"
        ? new SqliteUsageAggregates(store.path, retention)
        : new RedisUsageAggregates(store, retention));
    this.timer = setInterval(() => void this.flushAggregates(), 1000);
    this.timer.unref();
  }

  async handle(payload: unknown): Promise<unknown> {
    const message = payload as UsageBatch | { op: "query"; query: UsageQuery };
    if (message.op === "records") {
      for (const sink of this.sinks) sink.write(message.lines);
      this.aggregates?.add(message.counts);
      return null;
    }
    return (await this.aggregates?.query(message.query)) ?? [];
  }

  applyConfig(config: unknown): void {
    const usageLog = (config as { governance: GovernanceConfig }).governance.usageLog;
    if (this.aggregates !== undefined) this.aggregates.hourlyRetentionDays = usageLog.hourlyRetentionDays;
    const next = usageLog.sinks;
    if (JSON.stringify(next) === JSON.stringify(this.options.config.usageLog.sinks)) return;
    const previous = this.sinks;
    this.sinks = this.createSinks(next);
    this.options.config = {
      ...this.options.config,
      usageLog: { ...this.options.config.usageLog, sinks: next },
    };
    for (const sink of previous) void sink.close();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushAggregates();
    await this.aggregates?.close();
    for (const sink of this.sinks) await sink.close();
  }

  private async flushAggregates(): Promise<void> {
    try {
      await this.aggregates?.flush();
    } catch (error) {
      this.options.logger?.error({ err: error }, "could not write the usage aggregates");
    }
  }

  private createSinks(sinks: readonly UsageSink[]): UsageSinkWriter[] {
    const { logger } = this.options;
    const writers: UsageSinkWriter[] = [];
    for (const sink of sinks) {
      if (sink.kind === "file") writers.push(new FileSink(sink.path, sink.maxBytes, sink.maxFiles, logger));
      else if (sink.kind === "http") {
        const { batch, flushMs } = this.options.config.usageLog;
        writers.push(new HttpSink(sink.url, sink.headers, sink.timeoutMs, { batch, flushMs }, logger));
      }
    }
    return writers;
  }
}
