import type { UsageCount } from "./usage-tally.js";

/**
 * What workers send the usage log's owner, apart from the client that sends it: the owner (the primary) imports
 * this, never the client, whose record serialiser it has no use for (its compiled schema cost the primary 6-10 MiB).
 */
export const USAGE_SERVICE = "usage";

/** A worker's batch: the records for the owner's sinks (JSON, one per line; none when only stdout) and the counts. */
export interface UsageBatch {
  op: "records";
  lines: string[];
  counts: UsageCount[];
}
