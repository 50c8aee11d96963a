import type { z } from "zod";
import type { ParseContext } from "../issue-reporter.js";

/** Reports a problem at a field of one governance section (path relative to the section). */
export type ReportSectionIssue = (field: readonly PropertyKey[], message: string, atKey?: boolean) => void;

/**
 * One block under `governance:` (`store`, and the blocks of access control, limits, prices and usage): its
 * shape as a zod schema, then `finish`, which checks what a schema cannot (references, secrets, combinations)
 * and builds the validated settings. `finish` returns undefined after reporting a problem.
 */
export interface GovernanceSection<K extends string, T> {
  /** The key under `governance:` in the file. */
  key: K;
  /** The field of the validated config it fills, when it is not the key itself (`usage_log` -> `usageLog`). */
  field?: string;
  schema: z.ZodType;
  finish(value: unknown, context: ParseContext, report: ReportSectionIssue): T | undefined;
}
