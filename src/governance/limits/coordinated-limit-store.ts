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

/**
 * A worker's view of the embedded store: operations go to the owner's ledger over the coordination channel.
 * Everything asked during one turn of the event loop travels in one message (under load, one IPC round trip
 * serves many requests' admissions and settles together).
 */
export class CoordinatedLimitStore implements LimitStore {
  private queue: Pending[] = [];
  private scheduled = false;

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
    return this.enqueue({ op: "settle", request }) as Promise<SettleResult>;
  }

  async renew(ids: readonly string[]): Promise<void> {
    await this.enqueue({ op: "renew", ids: [...ids] });
  }

  quota(specs: readonly LimitSpec[]): Promise<(LimitState | undefined)[]> {
    return this.enqueue({ op: "quota", specs: [...specs] }) as Promise<(LimitState | undefined)[]>;
  }

  async close(): Promise<void> {}

  private enqueue(operation: LimitOperation): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operation, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After this turn's I/O callbacks: the requests that arrived together share one message.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
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
