import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { resolveSecretReference } from "../secret-reference.js";
import type { GovernanceSection } from "./governance-section.js";
import { DEFAULT_HOURLY_RETENTION_DAYS, MAX_HOURLY_RETENTION_DAYS } from "./usage-retention.js";

/** Where usage records go: JSON lines on stdout, a file rotated by size, or batches POSTed to a URL. */
export type UsageSink =
  | { kind: "stdout" }
  | { kind: "file"; path: string; maxBytes: number; maxFiles: number }
  | { kind: "http"; url: string; headers: Record<string, string>; timeoutMs: number };

/** `governance.usage_log`: one record per logical request, written off the request path. */
export interface UsageLogSettings {
  sinks: UsageSink[];
  /** Records held in memory waiting for the sinks; beyond, `onFull` decides. */
  buffer: number;
  onFull: "drop_oldest" | "drop_newest";
  /** Records are flushed this often, or once `batch` are waiting. */
  flushMs: number;
  batch: number;
  /** Days the hourly usage aggregates are kept (the daily ones: 400 days). */
  hourlyRetentionDays: number;
}

const sinkSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("stdout") }).strict(),
  z
    .object({
      kind: z.literal("file"),
      path: z.string().min(1),
      max_bytes: z.number().int().min(1024).max(1e12).optional(),
      max_files: z.number().int().min(1).max(1000).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("http"),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      timeout_ms: z.number().int().min(1).max(600_000).optional(),
    })
    .strict(),
]);

const schema = z
  .object({
    sinks: z.array(sinkSchema).max(16).optional(),
    buffer: z.number().int().min(1).max(10_000_000).optional(),
    on_full: z.enum(["drop_oldest", "drop_newest"]).optional(),
    flush_ms: z.number().int().min(10).max(60_000).optional(),
    batch: z.number().int().min(1).max(100_000).optional(),
    hourly_retention_days: z.number().int().min(1).max(MAX_HOURLY_RETENTION_DAYS).optional(),
  })
  .strict();

export const DEFAULT_USAGE_LOG: UsageLogSettings = {
  sinks: [{ kind: "stdout" }],
  buffer: 20_000,
  onFull: "drop_oldest",
  flushMs: 1000,
  batch: 500,
  hourlyRetentionDays: DEFAULT_HOURLY_RETENTION_DAYS,
};

export const usageLogSection: GovernanceSection<"usage_log", UsageLogSettings> = {
  key: "usage_log",
  field: "usageLog",
  schema,
  finish(value, context, report) {
    const entry = (value ?? {}) as z.infer<typeof schema>;
    const sinks: UsageSink[] = [];
    let ok = true;
    for (const [index, sink] of (entry.sinks ?? [{ kind: "stdout" as const }]).entries()) {
      if (sink.kind === "stdout") sinks.push(sink);
      else if (sink.kind === "file") {
        const path = isAbsolute(sink.path) ? sink.path : resolve(context.configDirectory, sink.path);
        sinks.push({
          kind: "file",
          path,
          maxBytes: sink.max_bytes ?? 100 * 1024 * 1024,
          maxFiles: sink.max_files ?? 5,
        });
      } else {
        // The URL and headers may carry credentials: resolved like provider keys, never echoed.
        const url = resolveSecretReference(sink.url, context.configDirectory, context.env);
        if (!url.ok) {
          report(["sinks", index, "url"], url.message);
          ok = false;
          continue;
        }
        if (!/^https?:\/\//.test(url.value)) {
          report(["sinks", index, "url"], "must be an http:// or https:// URL");
          ok = false;
          continue;
        }
        const headers: Record<string, string> = {};
        for (const [name, raw] of Object.entries(sink.headers ?? {})) {
          const resolved = resolveSecretReference(raw, context.configDirectory, context.env);
          if (!resolved.ok) {
            report(["sinks", index, "headers", name], resolved.message);
            ok = false;
          } else headers[name.toLowerCase()] = resolved.value;
        }
        sinks.push({ kind: "http", url: url.value, headers, timeoutMs: sink.timeout_ms ?? 10_000 });
      }
    }
    if (!ok) return undefined;
    return {
      sinks,
      buffer: entry.buffer ?? DEFAULT_USAGE_LOG.buffer,
      onFull: entry.on_full ?? DEFAULT_USAGE_LOG.onFull,
      flushMs: entry.flush_ms ?? DEFAULT_USAGE_LOG.flushMs,
      batch: entry.batch ?? DEFAULT_USAGE_LOG.batch,
      hourlyRetentionDays: entry.hourly_retention_days ?? DEFAULT_USAGE_LOG.hourlyRetentionDays,
    };
  },
};
