import type { CircuitBreakerSettings } from "../config/resilience-settings.js";

export type CircuitState = "closed" | "open" | "half_open" | "recovering";

/** Called at every change of state, with why, for the log. */
export type CircuitTransition = (from: CircuitState, to: CircuitState, reason: string) => void;

/** Share of traffic a recovering target gets at the start of its ramp. */
const RAMP_START_SHARE = 0.1;

/**
 * One target's circuit breaker. `closed`: traffic flows; enough consecutive failures open it. `open`: the
 * target is skipped for the cool-down; then one request probes it (`half_open`). A probe that succeeds starts
 * `recovering`: traffic returns gradually (a share growing from 10% to 100% over the ramp, the rest going to
 * the route's other targets), so a target that just came back is not flooded; a failure on the way sends it
 * back to `open`. A probe whose outcome never arrives (client gone) is replaced after a cool-down.
 */
export class CircuitBreaker {
  private current: CircuitState = "closed";
  private consecutiveFailures = 0;
  private opened = 0;
  /** When an open circuit lets the next probe through: the cool-down after opening, the probe interval after
   * a failed probe (a target that failed its probe is tried again sooner than a fresh outage is). */
  private probeAt = 0;
  private probeStartedAt = 0;
  private recoveringSince = 0;
  private lastFailureAt = 0;
  private lastFailureMessage: string | undefined;

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly onTransition: CircuitTransition = () => {},
    private readonly random: () => number = Math.random,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** When the circuit last opened (ms since the epoch; 0 if never). */
  get openedAt(): number {
    return this.opened;
  }

  /** Failures in a row (reset by a success): what opens a closed circuit. */
  get consecutiveFailureCount(): number {
    return this.consecutiveFailures;
  }

  /** The latest failure recorded, for operators (the console); undefined before any. */
  get lastFailure(): { message: string; at: number } | undefined {
    return this.lastFailureMessage === undefined
      ? undefined
      : { message: this.lastFailureMessage, at: this.lastFailureAt };
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  retryInMs(now: number): number {
    return this.current === "open" ? Math.max(0, this.probeAt - now) : 0;
  }

  /**
   * Whether a request may go to the target now. A `true` in `open` or `half_open` makes the request the probe.
   * `lastResort`: no other target of the route can take the request, so a recovering target takes it whatever
   * its ramp says; the ramp shifts traffic back gradually, it does not refuse work.
   */
  allowRequest(now: number, lastResort = false): boolean {
    if (this.settings.failureThreshold === 0) return true;
    switch (this.current) {
      case "closed":
        return true;
      case "open":
        if (now < this.probeAt) return false;
        this.probeStartedAt = now;
        this.move("half_open", "cool-down over: one probe request");
        return true;
      case "half_open":
        if (now < this.probeStartedAt + this.settings.cooldownMs) return false;
        this.probeStartedAt = now;
        return true;
      case "recovering": {
        const progress =
          this.settings.rampUpMs === 0 ? 1 : (now - this.recoveringSince) / this.settings.rampUpMs;
        if (progress >= 1) {
          this.move("closed", "ramp-up complete");
          return true;
        }
        return lastResort || this.random() < RAMP_START_SHARE + (1 - RAMP_START_SHARE) * progress;
      }
    }
  }

  /** `startedAt`: when the request began; one that began while the circuit was open proves the target is back. */
  recordSuccess(now: number, startedAt = now): void {
    this.consecutiveFailures = 0;
    const provesRecovery = this.current === "open" && startedAt >= this.opened;
    if (this.current === "half_open" || provesRecovery) {
      this.recoveringSince = now;
      if (this.settings.rampUpMs === 0) this.move("closed", "probe succeeded");
      else this.move("recovering", "probe succeeded: traffic returns gradually");
    }
  }

  /** `reason`: what failed (the error's message), kept as the last error shown to operators. */
  recordFailure(now: number, reason?: string): void {
    this.lastFailureAt = now;
    this.lastFailureMessage = reason ?? "failed";
    if (this.settings.failureThreshold === 0) return;
    this.consecutiveFailures++;
    if (this.current === "half_open" || this.current === "recovering") {
      const probing = this.current === "half_open";
      this.opened = now;
      this.probeAt = now + (probing ? this.settings.probeIntervalMs : this.settings.cooldownMs);
      this.move("open", `failed while ${probing ? "probing" : "recovering"}`);
    } else if (this.current === "closed" && this.consecutiveFailures >= this.settings.failureThreshold) {
      this.opened = now;
      this.probeAt = now + this.settings.cooldownMs;
      this.move("open", `${this.consecutiveFailures} consecutive failures`);
    }
  }

  /** When an open circuit lets its next probe through (ms since the epoch). */
  get nextProbeAt(): number {
    return this.probeAt;
  }

  /**
   * Takes over a transition another worker's breaker of the same target made (routing/shared-circuits.ts), so
   * that all workers agree: an opened circuit opens here too, with the same next probe (the cool-down, or the
   * probe interval after a failed probe); a probe under way elsewhere keeps this worker from sending its own
   * into the same outage; a probe that succeeded elsewhere ends this one's outage; and the failure that opened
   * the circuit becomes this one's latest too (operators see the same breaker in every worker). Not reported to
   * onTransition: the worker that made it already did.
   */
  adopt(
    to: CircuitState,
    at: number,
    failure?: { message: string; at: number },
    probeAt: number = at + this.settings.cooldownMs,
  ): void {
    if (this.settings.failureThreshold === 0) return;
    if (failure !== undefined && failure.at >= this.lastFailureAt) {
      this.lastFailureAt = failure.at;
      this.lastFailureMessage = failure.message;
    }
    if (to === "open") {
      if (this.current === "open" && this.opened > at) return;
      this.opened = at;
      this.probeAt = probeAt;
      this.current = "open";
      return;
    }
    if (to === "half_open") {
      if (this.current !== "open" || at < this.opened) return;
      this.probeStartedAt = at;
      this.current = "half_open";
      return;
    }
    if (
      (to === "recovering" || to === "closed") &&
      (this.current === "open" || this.current === "half_open")
    ) {
      if (at < this.opened) return;
      this.consecutiveFailures = 0;
      this.recoveringSince = at;
      this.current = to;
    }
  }

  private move(to: CircuitState, reason: string): void {
    const from = this.current;
    this.current = to;
    this.onTransition(from, to, reason);
  }
}
