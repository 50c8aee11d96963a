import type {
  AdmitRequest,
  AdmitResult,
  LimitSpec,
  LimitState,
  MeterRequest,
  MeterResult,
  SettleRequest,
  SettleResult,
} from "./limit-spec.js";

/**
 * Where limit counters live, as the request path sees them: the embedded ledger in the gateway's owner
 * process (reached over the coordination channel) or Redis (shared by every replica). The request path never
 * knows which. Every method rejects with `GovernanceUnavailable` when the store cannot answer in time.
 */
export interface LimitStore {
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /** Decides at once when no round trip is needed (a worker's grants), else undefined: then ask `admit`. */
  admitNow?(request: AdmitRequest): AdmitResult | undefined;
  /** Settles at once a request decided here (true), else false: then `settle`. */
  settleNow?(request: SettleRequest): boolean;
  meter(request: MeterRequest): Promise<MeterResult>;
  settle(request: SettleRequest): Promise<SettleResult>;
  /** Renews the leases and deadlines of reservations still running in this process. */
  renew(ids: readonly string[]): Promise<void>;
  quota(specs: readonly LimitSpec[]): Promise<(LimitState | undefined)[]>;
  /** Whether the store answered its last call (the health metric). */
  readonly up: boolean;
  close(): Promise<void>;
}

/** The store did not answer (down, too slow, or the owner process is gone). */
export class GovernanceUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GovernanceUnavailable";
  }
}
