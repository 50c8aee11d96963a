import { randomBytes } from "node:crypto";
import { GatewayError, type Operation } from "../canonical/index.js";
import type { MlflowLimit } from "../config/governance/limit-blocks.js";
import type { Logger } from "../observability/logger.js";
import { accountRequest } from "./call-account.js";
import { denialError, fallbackDenialError } from "./denial.js";
import type { Account, GovernedCall, PricedTarget, Reservation } from "./governed-call.js";
import { ScopeLimits } from "./limit-plan.js";
import type { AdmitRequest, AdmitResult, BudgetSpec, LimitSpec, LimitState } from "./limits/limit-spec.js";
import { GovernanceUnavailable, type LimitStore } from "./limits/limit-store.js";
import { estimateCost } from "./prices/cost.js";
import type { PriceEntry } from "./prices/price-entry.js";
import type { Principal } from "./principal.js";
import { type QuotaEntry, quotaEntries } from "./quota-view.js";
import type { RouteGovernance, TableGovernance } from "./route-governance.js";
import { RuntimeRouteLimits } from "./runtime-route-limits.js";

/** What an admission computed before the store decided: what its reservation is made of. */
interface Admission {
  table: TableGovernance;
  route: RouteGovernance;
  targets: readonly PricedTarget[];
  request: AdmitRequest;
  nowMs: number;
  inputTokens: number;
  outputTokens: number;
  /** The price its budgets were estimated with (none when no budget applies). */
  price: PriceEntry | undefined;
}

export interface GovernorOptions {
  store: LimitStore;
  logger?: Logger;
  /** Reservations still running are renewed this often; leases live three times as long. */
  renewEveryMs?: number;
}

/**
 * The request path's side of limits and budgets, one per worker: admits a request before its first attempt
 * (one all-or-nothing decision over every limit that applies: the key's, its group's and org's, the route's,
 * the key's on the route, the gateway's), tops a stream up while it runs, and settles the real usage after
 * the answer, off the response's path. Reservations of this process are renewed together on a timer, so a
 * process that dies stops renewing and its leases expire.
 */
export class Governor {
  private readonly store: LimitStore;
  private readonly prefix = randomBytes(6).toString("base64url");
  private counter = 0;
  private readonly running = new Map<string, Reservation>();
  private readonly principalScopes = new WeakMap<Principal, ScopeLimits[]>();
  /** Route limits set at run time (MLflow's limits API). */
  private readonly runtimeLimits = new RuntimeRouteLimits();
  private readonly renewTimer: NodeJS.Timeout;
  readonly leaseMs: number;

  constructor(private readonly options: GovernorOptions) {
    this.store = options.store;
    const every = options.renewEveryMs ?? 2000;
    this.leaseMs = every * 3;
    this.renewTimer = setInterval(() => this.renewRunning(), every);
    this.renewTimer.unref();
  }

  /**
   * Admits a request on a route, or throws the 429 naming the limit that refused it (503 when the store
   * cannot decide and the configured behaviour is to refuse). A request no limit applies to costs nothing here.
   * Answers undefined when it decided at once (nothing applies, or a worker's grants admitted it): most
   * requests then cost no promise and no turn of the event loop; a promise when the store must be asked.
   */
  admit(
    table: TableGovernance,
    route: RouteGovernance,
    operation: Operation,
    targets: readonly PricedTarget[],
    call: GovernedCall,
  ): Promise<void> | undefined {
    const scopes = this.scopesOf(table, route, call.request.principal);
    if (scopes.length === 0) return undefined;
    let price: PriceEntry | undefined = targets[0]?.price;
    let withBudgets = scopes.some((scope) => scope.hasBudgets);
    if (withBudgets && price === undefined) {
      const policy = table.priceSettings.unpriced;
      if (policy === "deny") {
        throw new GatewayError(
          "budget_exceeded",
          `Route '${route.routeName}' serves a model without a price, and a budget applies to this request (governance.prices.unpriced: deny).`,
        );
      }
      if (policy === "default_price") price = table.prices.defaultPrice();
      else withBudgets = false;
    }
    const nowMs = Date.now();
    const inputTokens = inputEstimate(table, call);
    const outputTokens =
      operation === "embeddings"
        ? 0
        : (call.request.maxOutputTokens() ?? table.estimates.defaultMaxOutputTokens);
    const costNano =
      withBudgets && price !== undefined ? estimateCost(price, inputTokens, outputTokens, nowMs) : 0;
    const request: AdmitRequest = {
      id: `${this.prefix}.${(++this.counter).toString(36)}`,
      specs: specsOf(scopes, nowMs, withBudgets),
      tokens: inputTokens + outputTokens,
      costNano,
      leaseMs: this.leaseMs,
    };
    if (request.specs.length === 0) return undefined;
    const admission: Admission = {
      table,
      route,
      targets,
      request,
      nowMs,
      inputTokens,
      outputTokens,
      price: withBudgets ? price : undefined,
    };
    const decided = this.store.admitNow?.(request);
    if (decided !== undefined) {
      this.conclude(admission, decided, call, false);
      return undefined;
    }
    return this.admitInStore(admission, scopes, withBudgets, call);
  }

  private async admitInStore(
    admission: Admission,
    scopes: readonly ScopeLimits[],
    withBudgets: boolean,
    call: GovernedCall,
  ): Promise<void> {
    const request = admission.request;
    let result: AdmitResult;
    try {
      result = await this.store.admit(request);
      // The store's clock left the budget windows computed here (clock skew, a boundary just passed): once more.
      if (!result.ok && "stale" in result) {
        request.specs = specsOf(scopes, result.nowMs, withBudgets);
        result = await this.store.admit(request);
      }
    } catch (error) {
      call.decision = "degraded";
      throw unavailable(error, this.options.logger);
    }
    this.conclude(admission, result, call, true);
  }

  /**
   * The store's decision on an admission: the 429 it refused with, or the reservation the call now holds.
   * `leased`: the store holds a lease this process renews while the call runs (grants are renewed instead).
   */
  private conclude(admission: Admission, result: AdmitResult, call: GovernedCall, leased: boolean): void {
    const { request, price, table, route } = admission;
    if (!result.ok) {
      if ("stale" in result)
        throw unavailable(new Error("budget windows do not match the store's clock"), this.options.logger);
      call.decision = "denied";
      const spec = request.specs[result.denied] as LimitSpec;
      call.deniedBy = spec.label;
      call.deniedKind = spec.kind;
      throw denialError(
        spec,
        result.state,
        result.retryAfterMs,
        result.reason === "never",
        admission.nowMs,
        request,
      );
    }
    if (result.degraded !== undefined) {
      call.decision = "degraded";
      call.degradedMode = result.degraded;
    } else call.decision = "admitted";
    const reservation: Reservation = {
      id: request.id,
      specs: request.specs,
      states: result.states,
      tokens: request.tokens,
      costNano: request.costNano,
      inputTokens: admission.inputTokens,
      outputTokens: admission.outputTokens,
      price,
      settled: false,
    };
    call.reservation = reservation;
    if (leased) this.running.set(request.id, reservation);
    if (price !== undefined && admission.targets.some((target) => target.price !== price))
      call.retarget = (target) => this.retarget(table, call, target);
    // Only a stream's output is metered while it runs (a whole answer is settled once, with its usage).
    if (
      call.request.streaming &&
      request.specs.some((spec) => (spec.kind === "rate" && spec.unit === "tokens") || spec.kind === "budget")
    ) {
      call.metering = {
        policy: route.config.onBudgetExhaustedMidStream,
        stepTokens: table.estimates.meterEveryTokens,
        topUp: (extraTokens) => this.topUp(call, extraTokens),
      };
    }
  }

  /**
   * A running stream has used more output than it reserved: reserve `extraTokens` more (and what they cost),
   * all or nothing. Answers the limit that ran out, if one did.
   */
  async topUp(
    call: GovernedCall,
    extraTokens: number,
  ): Promise<{ ok: true } | { ok: false; spec: LimitSpec }> {
    const reservation = call.reservation;
    if (reservation === undefined) return { ok: true };
    const extraCostNano =
      reservation.price === undefined ? 0 : estimateCost(reservation.price, 0, extraTokens, call.startedAtMs);
    reservation.outputTokens += extraTokens;
    try {
      const result = await this.store.meter({ id: reservation.id, extraTokens, extraCostNano });
      if (result.ok || "unknown" in result) {
        reservation.tokens += extraTokens;
        reservation.costNano += extraCostNano;
        return { ok: true };
      }
      const { scope, id, name } = result.exhausted;
      const spec = reservation.specs.find(
        ({ label }) => label.scope === scope && label.id === id && label.name === name,
      );
      return spec === undefined ? { ok: true } : { ok: false, spec };
    } catch {
      // The store cannot be reached mid-stream: the stream goes on, and settle charges what it used.
      return { ok: true };
    }
  }

  /**
   * Before an attempt on `target`: when it may cost more than the reservation's estimate (a pricier fallback),
   * reserves the difference on the budgets, all or nothing, or throws the 429 so that it is not called.
   */
  async retarget(table: TableGovernance, call: GovernedCall, target: PricedTarget): Promise<void> {
    const reservation = call.reservation;
    if (reservation?.price === undefined) return;
    let price = target.price;
    if (price === undefined) {
      const policy = table.priceSettings.unpriced;
      if (policy === "deny") {
        throw new GatewayError(
          "budget_exceeded",
          `The fallback target '${target.label}' has no price, and a budget applies to this request (governance.prices.unpriced: deny); it was not called.`,
        );
      }
      if (policy !== "default_price") return;
      price = table.prices.defaultPrice();
    }
    if (price === undefined || price === reservation.price) return;
    const needed = estimateCost(price, reservation.inputTokens, reservation.outputTokens, call.startedAtMs);
    const extraCostNano = needed - reservation.costNano;
    if (extraCostNano > 0) {
      let result: Awaited<ReturnType<LimitStore["meter"]>>;
      try {
        result = await this.store.meter({ id: reservation.id, extraTokens: 0, extraCostNano });
      } catch (error) {
        throw unavailable(error, this.options.logger);
      }
      if (!result.ok && "exhausted" in result) {
        const { scope, id, name } = result.exhausted;
        const spec = reservation.specs.find(
          ({ label }) => label.scope === scope && label.id === id && label.name === name,
        );
        if (spec !== undefined) {
          call.decision = "denied";
          call.deniedBy = spec.label;
          call.deniedKind = spec.kind;
          throw fallbackDenialError(spec, target.label, extraCostNano);
        }
      }
      if (result.ok) reservation.costNano += extraCostNano;
    }
    // Later top-ups of a stream price its output at the target that serves it.
    reservation.price = price;
  }

  /**
   * Books the request's real usage (every attempt's), off the response's path: the reservation's estimate is
   * replaced by what was used, overage included. Returns the request's account.
   */
  settle(call: GovernedCall, failed: boolean): Account {
    const account = accountRequest(call, failed);
    const reservation = call.reservation;
    if (reservation === undefined || reservation.settled) return account;
    reservation.settled = true;
    this.running.delete(reservation.id);
    const costNano = account.cost.priced && reservation.price !== undefined ? account.cost.nano : 0;
    const request = { id: reservation.id, tokens: account.tokens, costNano };
    if (this.store.settleNow?.(request) === true) return account;
    this.store.settle(request).catch((error: unknown) => {
      // The store's sweeper finalizes the reservation at its estimate; the usage log keeps the real figures.
      this.options.logger?.warn(
        { err: error, reservation: reservation.id },
        "a settle did not reach the limit store",
      );
    });
    return account;
  }

  /**
   * The live state of every limit and budget of a key's scopes (key, group, org) and of the gateway's, for
   * `/v1/me`. Reads only: nothing is reserved. Rejects with `GovernanceUnavailable` when the store cannot say.
   */
  async quotaOf(table: TableGovernance, principal: Principal): Promise<QuotaEntry[]> {
    const scopes = [...this.ownScopes(principal), table.global].filter((scope) => !scope.empty);
    const nowMs = Date.now();
    const specs = specsOf(scopes, nowMs, true);
    if (specs.length === 0) return [];
    const states = await this.store.quota(specs);
    return quotaEntries(specs, states, nowMs);
  }

  /**
   * The live state of some budgets (the spent part of their current window), for the admin's list of budgets:
   * the same read as `/v1/me`'s, nothing reserved. Rejects with `GovernanceUnavailable` when the store cannot say.
   */
  async budgetStates(specs: readonly BudgetSpec[]): Promise<(LimitState | undefined)[]> {
    return specs.length === 0 ? [] : this.store.quota(specs);
  }

  /** Applies the run-time route limits (the whole map, as the owner publishes it). */
  setRouteOverrides(overrides: Record<string, MlflowLimit[]>): void {
    this.runtimeLimits.set(overrides);
  }

  /** The MLflow-form limits a route has now: set at run time, else from the file. */
  mlflowLimitsOf(route: RouteGovernance): MlflowLimit[] {
    return this.runtimeLimits.mlflowLimitsOf(route);
  }

  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    await this.store.close();
  }

  private renewRunning(): void {
    if (this.running.size === 0) return;
    this.store.renew([...this.running.keys()]).catch(() => {
      // A missed renewal is retried on the next tick; leases outlive two missed ticks.
    });
  }

  /** A key's own scopes (key, group, org), built once per Principal object. */
  private ownScopes(principal: Principal): ScopeLimits[] {
    let own = this.principalScopes.get(principal);
    if (own === undefined) {
      own = principal.scopes.map(
        (scope) => new ScopeLimits(scope.scope, scope.id, scope.limits, scope.budgets),
      );
      this.principalScopes.set(principal, own);
    }
    return own;
  }

  private scopesOf(
    table: TableGovernance,
    route: RouteGovernance,
    principal: Principal | undefined,
  ): ScopeLimits[] {
    const scopes: ScopeLimits[] = [];
    if (principal !== undefined) {
      const perKey = route.forKey(principal);
      if (perKey !== undefined) scopes.push(perKey);
      for (const scope of this.ownScopes(principal)) if (!scope.empty) scopes.push(scope);
    }
    const own = this.runtimeLimits.scopeOf(route);
    if (!own.empty) scopes.push(own);
    if (!table.global.empty) scopes.push(table.global);
    return scopes;
  }
}

function specsOf(scopes: readonly ScopeLimits[], nowMs: number, withBudgets: boolean): LimitSpec[] {
  const specs: LimitSpec[] = [];
  for (const scope of scopes) scope.collect(specs, nowMs, withBudgets);
  return specs;
}

/** Input tokens reserved: the body's size (every byte-level BPE token covers a byte at least) or a quarter of it. */
export function inputEstimate(table: TableGovernance, call: GovernedCall): number {
  const bytes = call.request.bodyBytes();
  return table.estimates.input === "body_bytes" ? bytes : Math.ceil(bytes / 4);
}

function unavailable(error: unknown, logger: Logger | undefined): GatewayError {
  if (error instanceof GatewayError) return error;
  logger?.warn({ err: error }, "the limit store could not decide; refusing the request");
  const message = error instanceof GovernanceUnavailable ? error.message : "the limit store failed";
  return new GatewayError(
    "governance_unavailable",
    `Limits cannot be checked right now (${message}); retry shortly.`,
    {
      retryAfterSeconds: 1,
      cause: error,
    },
  );
}
