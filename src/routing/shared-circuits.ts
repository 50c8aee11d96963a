import { randomUUID } from "node:crypto";
import type { Coordinator } from "../coordination/coordinator.js";
import type { CircuitState } from "./circuit-breaker.js";
import type { RouteTable } from "./route-table.js";

/** The topic on which workers tell each other of circuit transitions. */
export const CIRCUIT_TOPIC = "circuit-transition";

interface CircuitEvent {
  origin: string;
  route: string;
  target: string;
  to: CircuitState;
  /** When it happened, ms since the epoch (the workers of a gateway share a clock). */
  at: number;
  /** The failure that opened it, for operators (the console shows every worker's latest). */
  failure?: { message: string; at: number } | undefined;
  /** When an opened circuit lets its next probe through (after a failed probe: the probe interval). */
  probeAt?: number | undefined;
}

/**
 * Breaker state shared by every worker of a gateway: each worker keeps its own breakers (a request never waits
 * on another process to ask whether a target is up), and every transition that carries news, an opened circuit
 * or a probe that succeeded, is published through the coordinator and adopted by the other workers' breakers of
 * the same route and target. So an outage found by one worker stops traffic from all of them at once, one probe
 * at a time tests the target for all of them (a probe under way is news too, so the others hold theirs), a
 * failed probe schedules the next one (probe_interval_seconds) everywhere, and one successful probe brings the
 * target back everywhere, instead of each worker finding out on its own share of the traffic. Costs nothing
 * per request: only transitions cross the IPC channel.
 */
export class SharedCircuits {
  private readonly origin = `${process.pid}:${randomUUID()}`;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly coordinator: Coordinator,
    /** The route table requests use now (a reload swaps it; its breakers start closed). */
    private readonly table: () => RouteTable,
  ) {
    this.unsubscribe = coordinator.subscribe(CIRCUIT_TOPIC, (payload) => this.adopt(payload));
  }

  /** Tells the other workers of a transition of one of this worker's breakers, when it is news to them. */
  announce(route: string, target: string, from: CircuitState, to: CircuitState): void {
    const news =
      to === "open" ||
      (from === "open" && to === "half_open") ||
      (from === "half_open" && (to === "recovering" || to === "closed"));
    if (!news) return;
    const breaker = to === "open" ? this.breakerOf(route, target) : undefined;
    const event: CircuitEvent = {
      origin: this.origin,
      route,
      target,
      to,
      at: Date.now(),
      failure: breaker?.lastFailure,
      probeAt: breaker?.nextProbeAt,
    };
    this.coordinator.publish(CIRCUIT_TOPIC, event);
  }

  close(): void {
    this.unsubscribe();
  }

  private adopt(payload: unknown): void {
    if (!isCircuitEvent(payload) || payload.origin === this.origin) return;
    const failure = isFailure(payload.failure) ? payload.failure : undefined;
    const probeAt = typeof payload.probeAt === "number" ? payload.probeAt : undefined;
    this.breakerOf(payload.route, payload.target)?.adopt(payload.to, payload.at, failure, probeAt);
  }

  private breakerOf(route: string, target: string) {
    return this.table()
      .get(route)
      ?.targets.find((candidate) => candidate.label === target)?.breaker;
  }
}

function isCircuitEvent(value: unknown): value is CircuitEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.origin === "string" &&
    typeof event.route === "string" &&
    typeof event.target === "string" &&
    typeof event.to === "string" &&
    typeof event.at === "number"
  );
}

function isFailure(value: unknown): value is { message: string; at: number } {
  if (typeof value !== "object" || value === null) return false;
  const failure = value as Record<string, unknown>;
  return typeof failure.message === "string" && typeof failure.at === "number";
}
