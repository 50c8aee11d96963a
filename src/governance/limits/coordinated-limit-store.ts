import { CoordinationError, type Coordinator } from "../../coordination/coordinator.js";
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
import { GovernanceUnavailable, type LimitStore } from "./limit-store.js";
import { LIMITS_SERVICE, type LimitOperation } from "./limits-service.js";

interface Pending {
  operation: LimitOperation;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** How long a settle or a renewal may wait for an admission to travel with (they need no prompt answer). */
const LAZY_MS = 5;

/**
 * A worker's view of the embedded store: operations go to the owner's ledger over the coordination channel.
 * Everything asked during one turn of the event loop travels in one message (under load, one IPC round trip
 * serves many requests' admissions and settles together). Settles and renewals wait up to LAZY_MS for an
 * admission to ride with: an IPC round trip costs tens of µs of CPU on each side, and under load most requests
 * then cost one round trip instead of two. The wait only ever holds a lease or a reservation a few ms longer.
 */
export class CoordinatedLimitStore implements LimitStore {
  private queue: Pending[] = [];
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly timeoutMs = 2000,
  ) {}

  admit(request: AdmitRequest): Promise<AdmitResult> {
    return this.enqueue({ op: "admit", request }) as Promise<AdmitResult>;
  }

  meter(request: MeterRequest): Promise<MeterResult> {
    return this.enqueue({ op: "meter", request }) as Promise<MeterResult>;
  }

  settle(request: SettleRequest): Promise<SettleResult> {
    return this.enqueue({ op: "settle", request }, true) as Promise<SettleResult>;
  }

  async renew(ids: readonly string[]): Promise<void> {
    await this.enqueue({ op: "renew", ids: [...ids] }, true);
  }

  quota(specs: readonly LimitSpec[]): Promise<(LimitState | undefined)[]> {
    return this.enqueue({ op: "quota", specs: [...specs] }) as Promise<(LimitState | undefined)[]>;
  }

  async close(): Promise<void> {
    if (this.lazyTimer !== undefined || this.queue.length > 0) this.flush();
  }

  private enqueue(operation: LimitOperation, lazy = false): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operation, resolve, reject });
      if (this.scheduled) return;
      if (lazy) {
        this.lazyTimer ??= setTimeout(() => this.flush(), LAZY_MS);
        return;
      }
      this.scheduled = true;
      // After this turn's I/O callbacks: the requests that arrived together share one message.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (this.lazyTimer !== undefined) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    if (batch.length === 0) return;
    this.coordinator
      .call(LIMITS_SERVICE, { ops: batch.map((pending) => pending.operation) }, { timeoutMs: this.timeoutMs })
      .then(
        (answers) => {
          const results = answers as unknown[];
          for (const [index, pending] of batch.entries()) pending.resolve(results[index]);
        },
        (error: unknown) => {
          const reason = error instanceof CoordinationError ? error.reason : "failed";
          const failure = new GovernanceUnavailable(`the gateway's limit store did not answer (${reason})`, {
            cause: error,
          });
          for (const pending of batch) pending.reject(failure);
        },
      );
  }
}
