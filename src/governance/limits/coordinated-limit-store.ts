import { randomBytes } from "node:crypto";
import { CoordinationError, type Coordinator } from "../../coordination/coordinator.js";
import { GRANT_TTL_MS, type GrantInfo, type GrantRelease, LIMITS_RECALL_TOPIC } from "./grant-policy.js";
import { GrantPool } from "./grant-pool.js";
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

/** Where this worker's admissions were decided, and how many messages it sent the ledger (`/metrics`). */
export interface LimitStoreStats {
  /** Admitted or refused by the ledger (a round trip each, shared by the requests of one event-loop turn). */
  ledgerAdmissions: number;
  /** Admitted here from grants, without a round trip. */
  localAdmissions: number;
  /** Messages sent to the ledger (each a round trip). */
  calls: number;
}

/**
 * A worker's view of the embedded store. Far from a limit, requests are admitted here from grants: blocks of
 * capacity the owner's ledger counted as consumed when it handed them out (grant-policy.ts), so no request
 * waits for a round trip and the fleet still never admits more than a limit. Everything else goes to the
 * owner's ledger over the coordination channel; everything asked during one turn of the event loop travels in
 * one message. Settles, renewals and returned grants wait up to LAZY_MS for an admission to ride with: an IPC
 * round trip costs tens of µs of CPU on each side. The wait only ever holds capacity a few ms longer.
 */
export class CoordinatedLimitStore implements LimitStore {
  private queue: Pending[] = [];
  private releases: GrantRelease[] = [];
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  private readonly pool: GrantPool;
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  /** Names this worker to the ledger, which hands each holder one grant per limit at a time. */
  private readonly holder = randomBytes(6).toString("base64url");
  readonly stats: LimitStoreStats = { ledgerAdmissions: 0, localAdmissions: 0, calls: 0 };
  /** Whether the owner answered the last message. */
  up = true;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly timeoutMs = 2000,
  ) {
    this.pool = new GrantPool({
      release: (release) => {
        this.releases.push(release);
        this.schedule(true);
      },
      adjust: (spec, difference) => {
        this.enqueue({ op: "adjust", spec, difference }, true).catch(() => {
          // Lost with the owner: the limit refills by itself; nothing to do.
        });
      },
    });
    this.unsubscribe = coordinator.subscribe(LIMITS_RECALL_TOPIC, (payload) => {
      this.pool.recall((payload as { keys: string[] }).keys);
      // Someone is waiting for these: send them now rather than with the next admission.
      this.schedule(false);
    });
    this.expiryTimer = setInterval(() => this.pool.expire(), GRANT_TTL_MS / 4);
    this.expiryTimer.unref();
  }

  admitNow(request: AdmitRequest): AdmitResult | undefined {
    const local = this.pool.admit(request);
    if (local !== undefined) this.stats.localAdmissions += 1;
    return local;
  }

  admit(request: AdmitRequest): Promise<AdmitResult> {
    const local = this.admitNow(request);
    if (local !== undefined) return Promise.resolve(local);
    this.stats.ledgerAdmissions += 1;
    const want = this.pool.wanted(request);
    const askedAt = performance.now();
    const mark = this.pool.mark();
    const operation: LimitOperation =
      want === undefined || want.length === 0
        ? { op: "admit", request }
        : { op: "admit", request, want, holder: this.holder };
    return this.enqueue(operation).then((answer) => {
      const result = answer as AdmitResult & { grants?: GrantInfo[] };
      if (!result.ok || result.grants === undefined) return result;
      this.pool.accept(request.specs, result.grants, askedAt, mark);
      const { grants: _granted, ...admitted } = result;
      return admitted;
    });
  }

  meter(request: MeterRequest): Promise<MeterResult> {
    if (!this.pool.owns(request.id)) return this.enqueue({ op: "meter", request }) as Promise<MeterResult>;
    const local = this.pool.topUp(request.id, request.extraTokens);
    if (local.ok) return Promise.resolve({ ok: true });
    const { specs } = local;
    return this.enqueue({ op: "take", specs, tokens: request.extraTokens }).then((answer) => {
      const result = answer as { ok: true } | { ok: false; denied: number };
      if (result.ok) {
        this.pool.toppedUp(request.id, request.extraTokens);
        return { ok: true };
      }
      return { ok: false, exhausted: (specs[result.denied] as LimitSpec).label };
    });
  }

  settleNow(request: SettleRequest): boolean {
    if (!this.pool.owns(request.id)) return false;
    this.pool.settle(request.id, request.tokens);
    return true;
  }

  settle(request: SettleRequest): Promise<SettleResult> {
    if (this.settleNow(request)) return Promise.resolve({ status: "settled", alerts: [] });
    return this.enqueue({ op: "settle", request }, true) as Promise<SettleResult>;
  }

  async renew(ids: readonly string[]): Promise<void> {
    const central = ids.filter((id) => !this.pool.owns(id));
    const renewed = [...central, ...this.pool.renewable()];
    if (renewed.length > 0) await this.enqueue({ op: "renew", ids: renewed }, true);
  }

  quota(specs: readonly LimitSpec[]): Promise<(LimitState | undefined)[]> {
    return this.enqueue({ op: "quota", specs: [...specs] }) as Promise<(LimitState | undefined)[]>;
  }

  async close(): Promise<void> {
    clearInterval(this.expiryTimer);
    this.unsubscribe();
    // Capacity this worker holds goes back now, not when the ledger gives up on it.
    this.pool.releaseAll();
    if (this.lazyTimer !== undefined || this.queue.length > 0 || this.releases.length > 0) this.flush();
  }

  private enqueue(operation: LimitOperation, lazy = false): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operation, resolve, reject });
      this.schedule(lazy);
    });
  }

  private schedule(lazy: boolean): void {
    if (this.scheduled) return;
    if (lazy) {
      this.lazyTimer ??= setTimeout(() => this.flush(), LAZY_MS);
      return;
    }
    this.scheduled = true;
    // After this turn's I/O callbacks: the requests that arrived together share one message.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (this.lazyTimer !== undefined) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    if (this.releases.length > 0) {
      // Returned grants go first: the admissions behind them in the same message may need that capacity.
      const releases = this.releases;
      this.releases = [];
      batch.unshift({ operation: { op: "release", releases }, resolve: () => {}, reject: () => {} });
    }
    if (batch.length === 0) return;
    this.stats.calls += 1;
    this.coordinator
      .call(LIMITS_SERVICE, { ops: batch.map((pending) => pending.operation) }, { timeoutMs: this.timeoutMs })
      .then(
        (answers) => {
          this.up = true;
          const results = answers as unknown[];
          for (const [index, pending] of batch.entries()) pending.resolve(results[index]);
        },
        (error: unknown) => {
          this.up = false;
          const reason = error instanceof CoordinationError ? error.reason : "failed";
          const failure = new GovernanceUnavailable(`the gateway's limit store did not answer (${reason})`, {
            cause: error,
          });
          for (const pending of batch) pending.reject(failure);
        },
      );
  }
}
