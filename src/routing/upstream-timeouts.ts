/** How long the gateway waits on an upstream. */
export interface UpstreamTimeouts {
  /** From sending the request to the response headers (time to first byte). */
  firstByteMs: number;
  /** Longest silence between two chunks of the response body (a stalled stream). */
  idleMs: number;
  /** The whole call, from sending to the last byte. */
  totalMs: number;
}

/** MLflow's gateway waits 300 s for a provider; generation of long answers can take minutes. */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 300_000,
  idleMs: 300_000,
  totalMs: 300_000,
};
