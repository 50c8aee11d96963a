import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { UnavailableBehaviour } from "../../config/governance/store-settings.js";
import type { Logger } from "../../observability/logger.js";
import { createRedisConnection } from "../store/redis-connection.js";
import { LimitLedger } from "./limit-ledger.js";
import type {
  AdmitRequest,
  AdmitResult,
  BudgetAlert,
  LimitSpec,
  LimitState,
  MeterRequest,
  MeterResult,
  SettleRequest,
  SettleResult,
} from "./limit-spec.js";
import { GovernanceUnavailable, type LimitStore } from "./limit-store.js";
import { naiveAdmit } from "./naive-redis-limiter.js";
import { RedisFunctionArguments } from "./redis-function-arguments.js";
import { RedisFunctionClient } from "./redis-function-client.js";
import { FUNCTIONS, REDIS_FUNCTIONS_SOURCE } from "./redis-functions.js";

export interface RedisLimitStoreOptions {
  url: string;
  hashTag: string;
  commandTimeoutMs: number;
  onUnavailable: UnavailableBehaviour;
  logger?: Logger;
  /** Test-only: decide with a read-then-write over several round trips (the control of the exactness suite). */
  naive?: boolean;
  /**
   * Test-only: each settle that reached Redis is sent again this many times, and the replies counted in the
   * `test:replays` hash (the exactness suite's idempotent-settle test).
   */
  settleReplays?: number;
}

/** After a failed command, Redis is not asked again for this long: requests get the degraded answer at once. */
const BREAKER_MS = 250;
const HEARTBEAT_MS = 2000;
/**
 * A process counts as live for five heartbeats after its last one. Taking a live process for dead makes the
 * others claim a larger share while Redis is down (more admitted than the limit), so the window is generous:
 * a process whose loop is busy, or whose heartbeat met a slow Redis, still counts. A dead one counts a little
 * longer, which only makes the shares smaller.
 */
const LIVENESS_MS = 5 * HEARTBEAT_MS;
/** Settles that could not reach Redis, kept to be replayed (idempotently) when it is back. */
const SPOOL_MAX = 10_000;

/**
 * Limits shared by every replica through Redis: one function call per decision (`sy_admit_v1`, ...), timed
 * by Redis alone. Every command has a bounded time; when Redis cannot answer, a breaker opens and requests are
 * decided in the configured degraded mode at once: rate and in-flight limits by this process's share of them
 * (limit / processes seen in the last heartbeats), budgets refused (money fails closed) or let through and
 * booked later; settles are spooled and replayed when Redis is back.
 */
export class RedisLimitStore implements LimitStore {
  private readonly redis: Redis;
  private readonly id = randomBytes(6).toString("base64url");
  private readonly functions: RedisFunctionClient;
  private readonly args: RedisFunctionArguments;
  /** The fixed keys of every admission (the reservations' queue and the expired stream). */
  private readonly resq: string;
  private readonly expired: string;
  private readonly admitted = new Map<string, LimitSpec[]>();
  private readonly local = new LimitLedger();
  private readonly decidedLocally = new Set<string>();
  private spool: SettleRequest[] = [];
  private downUntil = 0;
  private processes = 1;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: RedisLimitStoreOptions) {
    this.redis = createRedisConnection({
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs,
      callerBoundsCommands: true,
      autoPipelining: false,
    });
    this.functions = new RedisFunctionClient(this.redis, REDIS_FUNCTIONS_SOURCE, options.commandTimeoutMs);
    this.args = new RedisFunctionArguments(options.hashTag);
    this.resq = this.tagged("resq");
    this.expired = this.tagged("expired");
    this.redis.on("ready", () => {
      this.functions.forget();
      void this.functions.load().catch(() => {});
    });
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Whether Redis answered the last command (for the health metric and endpoint). */
  get up(): boolean {
    return Date.now() >= this.downUntil && this.redis.status === "ready";
  }

  /** The gateway processes this one counted live at its last heartbeat: what its shares divide limits by. */
  get liveProcesses(): number {
    return this.processes;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    if (this.isDown()) return this.admitDegraded(request);
    try {
      const reply =
        this.options.naive === true
          ? await naiveAdmit(this.redis, this.functions, this.args, request)
          : await this.admitInRedis(request);
      if (reply.ok) this.admitted.set(request.id, request.specs);
      return reply;
    } catch (error) {
      this.trip(error);
      return this.admitDegraded(request);
    }
  }

  async meter(request: MeterRequest): Promise<MeterResult> {
    if (this.decidedLocally.has(request.id)) return this.local.meter(request);
    const specs = this.admitted.get(request.id);
    if (specs === undefined || this.isDown()) return { ok: false, unknown: true };
    try {
      const reply = (await this.functions.call(
        FUNCTIONS.meter,
        [this.resq, this.tagged(`res:${request.id}`)],
        [request.id, String(request.extraTokens), String(request.extraCostNano)],
      )) as string[];
      if (reply[0] === "ok") return { ok: true };
      const spec = specs[Number(reply[1])];
      return spec === undefined ? { ok: false, unknown: true } : { ok: false, exhausted: spec.label };
    } catch (error) {
      this.trip(error);
      return { ok: false, unknown: true };
    }
  }

  async settle(request: SettleRequest): Promise<SettleResult> {
    if (this.decidedLocally.delete(request.id)) return this.local.settle(request);
    const specs = this.admitted.get(request.id);
    this.admitted.delete(request.id);
    if (this.isDown()) return this.toSpool(request);
    let result: SettleResult;
    try {
      result = await this.settleInRedis(request, specs);
    } catch (error) {
      this.trip(error);
      return this.toSpool(request);
    }
    if ((this.options.settleReplays ?? 0) > 0) void this.replaySettle(request);
    return result;
  }

  async renew(ids: readonly string[]): Promise<void> {
    const remote = ids.filter((id) => !this.decidedLocally.has(id));
    this.local.renew(ids.filter((id) => this.decidedLocally.has(id)));
    if (remote.length === 0 || this.isDown()) return;
    try {
      await this.functions.call(FUNCTIONS.renew, [this.resq], remote);
    } catch (error) {
      this.trip(error);
    }
  }

  async quota(specs: readonly LimitSpec[]): Promise<(LimitState | undefined)[]> {
    if (this.isDown()) throw new GovernanceUnavailable("Redis is unavailable");
    try {
      const reply = (await this.functions.call(
        FUNCTIONS.quota,
        this.args.keysOf([], specs),
        this.args.appendSpecs([String(specs.length)], specs),
      )) as number[];
      return specs.map((_, index) => {
        const remaining = reply[index * 2] as number;
        return remaining < 0 ? undefined : { remaining, resetMs: reply[index * 2 + 1] as number };
      });
    } catch (error) {
      this.trip(error);
      throw new GovernanceUnavailable("Redis did not answer", { cause: error });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.replay();
    this.redis.disconnect();
  }

  private async admitInRedis(request: AdmitRequest): Promise<AdmitResult> {
    const { specs } = request;
    const keys = this.args.keysOf([this.resq, this.tagged(`res:${request.id}`), this.expired], specs);
    const args = this.args.appendSpecs(
      [
        request.id,
        String(request.leaseMs),
        String(request.tokens),
        String(request.costNano),
        String(specs.length),
      ],
      specs,
    );
    const reply = (await this.functions.call(FUNCTIONS.admit, keys, args)) as (string | number)[];
    if (reply[0] === "stale") return { ok: false, stale: true, nowMs: Number(reply[1]) };
    if (reply[0] === "deny") {
      return {
        ok: false,
        denied: Number(reply[1]),
        reason: reply[2] === 1 ? "never" : "limit",
        retryAfterMs: Number(reply[3]),
        state: { remaining: Number(reply[4]), resetMs: Number(reply[5]) },
      };
    }
    const states: LimitState[] = [];
    for (let index = 1; index + 1 < reply.length; index += 2)
      states.push({ remaining: reply[index] as number, resetMs: reply[index + 1] as number });
    return { ok: true, states, alerts: [] };
  }

  private async settleInRedis(request: SettleRequest, specs: LimitSpec[] | undefined): Promise<SettleResult> {
    const reply = (await this.functions.call(
      FUNCTIONS.settle,
      [this.resq, this.tagged(`res:${request.id}`)],
      [request.id, String(request.tokens), String(request.costNano)],
    )) as (string | number)[];
    if (reply.length === 1) return { status: reply[0] as SettleResult["status"], alerts: [] };
    const alerts: BudgetAlert[] = [];
    for (let index = 1; index + 3 < reply.length; index += 4) {
      const spec = specs?.[Number(reply[index])];
      if (spec?.kind !== "budget") continue;
      alerts.push({
        label: spec.label,
        threshold: Number(reply[index + 1]),
        usedNano: Number(reply[index + 2]),
        amountNano: spec.amountNano,
        windowStartMs: Number(reply[index + 3]),
      });
    }
    for (const alert of alerts) {
      const { scope, id, name } = alert.label;
      this.options.logger?.warn(
        { budget: { scope, id, name }, threshold: alert.threshold, usedNano: alert.usedNano },
        `budget '${name}' of ${scope} '${id}' reached ${Math.round(alert.threshold * 100)}% of its amount`,
      );
    }
    return { status: reply[0] as SettleResult["status"], alerts };
  }

  /**
   * Redis is unavailable: rate and in-flight limits by this process's share, budgets as configured. Decided in
   * a local ledger, so that what this process admits stays within its share.
   */
  private admitDegraded(request: AdmitRequest): AdmitResult {
    const behaviour = this.options.onUnavailable;
    const hasBudgets = request.specs.some((spec) => spec.kind === "budget");
    if (hasBudgets && behaviour.budgets === "deny")
      throw new GovernanceUnavailable("Redis is unavailable and budgets fail closed");
    const specs = request.specs.filter((spec) => spec.kind !== "budget");
    if (specs.length > 0 && behaviour.rateLimits === "deny")
      throw new GovernanceUnavailable("Redis is unavailable and rate limits fail closed");
    const share = behaviour.rateLimits === "allow" ? [] : specs.map((spec) => shareOf(spec, this.processes));
    const result = this.local.admit({ ...request, specs: share });
    if (!result.ok) {
      if ("stale" in result) throw new GovernanceUnavailable("the local share could not decide");
      // Report the spec as the caller passed it (its index in the request).
      const denied = request.specs.indexOf(specs[result.denied] as LimitSpec);
      return { ...result, denied };
    }
    this.decidedLocally.add(request.id);
    // States for the caller's specs: budgets unknown while Redis is down.
    let next = 0;
    const states = request.specs.map((spec) =>
      spec.kind === "budget" || behaviour.rateLimits === "allow"
        ? { remaining: 0, resetMs: 0 }
        : (result.states[next++] as LimitState),
    );
    return { ok: true, states, alerts: [], degraded: behaviour.rateLimits === "allow" ? "allow" : "local" };
  }

  private toSpool(request: SettleRequest): SettleResult {
    if (this.spool.length >= SPOOL_MAX) this.spool.shift();
    this.spool.push(request);
    return { status: "settled", alerts: [] };
  }

  private async replay(): Promise<void> {
    if (this.spool.length === 0 || this.isDown()) return;
    const spooled = this.spool;
    this.spool = [];
    for (const [index, request] of spooled.entries()) {
      try {
        await this.settleInRedis(request, undefined);
      } catch (error) {
        this.trip(error);
        this.spool.unshift(...spooled.slice(index));
        return;
      }
    }
  }

  /**
   * Registers this process and counts the live ones (the divisor of local shares); replays the spool. Timed by
   * Redis `TIME`, like every decision: with process clocks, one replica whose clock runs ahead would take the
   * others for dead (and they it), and each would claim a larger share while Redis is down.
   */
  private async heartbeat(): Promise<void> {
    // Not skipped while the breaker is open: one slow command must not make this process look dead to others.
    if (this.redis.status !== "ready") return;
    const key = this.tagged("replicas");
    try {
      const [seconds, micros] = (await this.functions.bounded(this.redis.time())) as [
        string | number,
        string | number,
      ];
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const [, , count] = (await this.functions.bounded(
        this.redis
          .multi()
          .zadd(key, now, this.id)
          .zremrangebyscore(key, 0, now - LIVENESS_MS)
          .zcard(key)
          .exec(),
      )) as [Error | null, unknown][];
      this.processes = Math.max(1, Number(count?.[1] ?? 1));
      await this.replay();
    } catch (error) {
      this.trip(error);
    }
  }

  /**
   * The test-only replays of a settle: once at once, once a moment later (while other settles and admissions
   * run); every reply is counted by status, so the suite sees that the replays happened and changed nothing.
   */
  private async replaySettle(request: SettleRequest): Promise<void> {
    const replays = this.options.settleReplays ?? 0;
    for (let replay = 0; replay < replays; replay++) {
      if (replay > 0) await new Promise((resolve) => setTimeout(resolve, 20 * replay));
      try {
        const { status } = await this.settleInRedis(request, undefined);
        await this.functions.bounded(this.redis.hincrby(this.tagged("test:replays"), status, 1));
      } catch {
        // A replay that did not reach Redis proves nothing either way; the suite counts the ones that did.
      }
    }
  }

  private isDown(): boolean {
    return Date.now() < this.downUntil || this.redis.status !== "ready";
  }

  private trip(error: unknown): void {
    if (Date.now() >= this.downUntil)
      this.options.logger?.warn(
        { err: error },
        "Redis did not answer a limit command; deciding in the degraded mode",
      );
    this.downUntil = Date.now() + BREAKER_MS;
  }

  private tagged(key: string): string {
    return this.args.tagged(key);
  }
}

/** A limit scaled to one process's share (at least 1), for the degraded mode. */
function shareOf(spec: LimitSpec, processes: number): LimitSpec {
  if (spec.kind === "rate") {
    return {
      ...spec,
      key: `${spec.key}:share`,
      limit: Math.max(1, Math.floor(spec.limit / processes)),
      burst: Math.max(1, Math.floor(spec.burst / processes)),
    };
  }
  if (spec.kind === "concurrency")
    return { ...spec, key: `${spec.key}:share`, max: Math.max(1, Math.floor(spec.max / processes)) };
  return spec;
}
