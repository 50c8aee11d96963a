import { describe, expect, it } from "vitest";
import type { GatewayConfig } from "../config/gateway-config.js";
import { TrafficRecorder } from "../observability/traffic-recorder.js";
import { type ConsoleCall, ConsoleService, HISTORY_SECONDS } from "./console-service.js";
import type { RoutesView, TrafficUpdate } from "./console-wire.js";
import type { BreakerReport } from "./route-health.js";

const target = (model: string) => ({
  provider: "openai",
  model,
  config: {},
  weight: 1,
  timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 },
});
const CONFIG = {
  routes: [
    {
      name: "chat",
      type: "llm/v1/chat",
      strategy: "fallback",
      targets: [target("a"), target("b")],
      retries: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1, budgetMs: 1 },
      circuitBreaker: { failureThreshold: 2, cooldownMs: 1000, rampUpMs: 0 },
      maxInFlight: null,
    },
  ],
} as unknown as GatewayConfig;

function breaker(targetLabel: string, state: BreakerReport["state"], failures = 0, at = 0): BreakerReport {
  return {
    route: "chat",
    target: targetLabel,
    state,
    failures,
    lastError: failures === 0 ? null : { message: `failed at ${at}`, at },
    retryInMs: state === "open" ? 500 : 0,
  };
}

/** Two workers' recorders and the owner, on one clock. */
function setUp() {
  let now = 1_000_000_000_000;
  const clock = () => now;
  const service = new ConsoleService(CONFIG, clock);
  const workers = [new TrafficRecorder(clock), new TrafficRecorder(clock)];
  const sample = { route: "chat", ttftMs: undefined, tokensIn: 3, tokensOut: 5, fromPlayground: false };
  const report = (index: number, breakers: BreakerReport[] = []): void => {
    const call: ConsoleCall = {
      op: "report",
      reporter: `worker-${index}`,
      seconds: (workers[index] as TrafficRecorder).drain(),
      breakers,
    };
    service.handle(JSON.parse(JSON.stringify(call)));
  };
  return {
    service,
    workers,
    sample,
    report,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("ConsoleService", () => {
  it("merges the workers' seconds into one history and one summary per route", () => {
    const { service, workers, sample, report, advance } = setUp();
    workers[0]?.record({ ...sample, status: 200, elapsedMs: 10 });
    workers[1]?.record({ ...sample, status: 200, elapsedMs: 20 });
    workers[1]?.record({ ...sample, status: 503, elapsedMs: 30 });
    workers[1]?.record({ ...sample, status: 400, elapsedMs: 1, fromPlayground: true });
    advance(1000);
    report(0);
    report(1);
    const update = service.handle({ op: "traffic", route: null, after: null }) as TrafficUpdate;
    expect(update.points).toHaveLength(HISTORY_SECONDS);
    const last = update.points.at(-1);
    expect(last).toMatchObject({
      requests: 4,
      errors: 1,
      clientErrors: 1,
      playground: 1,
      tokensIn: 12,
      tokensOut: 20,
    });
    expect(update.points.slice(0, -1).every((point) => point.requests === 0 && point.p50Ms === null)).toBe(
      true,
    );
    const chat = update.routes.routes[0];
    expect(chat).toMatchObject({ name: "chat", requestsPerMinute: 4, errorRate: 0.25 });
    expect(chat?.p95Ms as number).toBeGreaterThan(15);

    // The next call returns only the seconds after the last one it got.
    advance(2000);
    const next = service.handle({ op: "traffic", route: "chat", after: last?.t ?? 0 }) as TrafficUpdate;
    expect(next.points.map((point) => point.t)).toEqual([(last?.t ?? 0) + 1, (last?.t ?? 0) + 2]);
  });

  it("shows a target's worst breaker state among workers, with the split, failures and latest error", () => {
    const { service, report, advance } = setUp();
    report(0, [breaker("openai/a", "open", 2, 5), breaker("openai/b", "closed")]);
    report(1, [breaker("openai/a", "closed", 1, 9), breaker("openai/b", "closed")]);
    const view = service.handle({ op: "routes" }) as RoutesView;
    expect(view.workers).toBe(2);
    const [a, b] = view.routes[0]?.targets ?? [];
    expect(a).toMatchObject({
      target: "openai/a",
      state: "open",
      workers: { open: 1, closed: 1 },
      failures: 2,
      lastError: { message: "failed at 9", at: 9 },
      retryInMs: 500,
    });
    expect(b).toMatchObject({ state: "closed", workers: { closed: 2 }, failures: 0, lastError: null });

    // A worker that stopped reporting (exited) no longer counts.
    advance(6000);
    report(1, [breaker("openai/a", "closed"), breaker("openai/b", "closed")]);
    const later = service.handle({ op: "routes" }) as RoutesView;
    expect(later.workers).toBe(1);
    expect(later.routes[0]?.targets[0]).toMatchObject({ state: "closed", workers: { closed: 1 } });
  });

  it("keeps a bounded history: seconds older than the ring are gone, a slot is reused for its new second", () => {
    const { service, workers, sample, report, advance } = setUp();
    workers[0]?.record({ ...sample, status: 200, elapsedMs: 10 });
    advance(1000);
    report(0);
    advance(HISTORY_SECONDS * 1000);
    workers[0]?.record({ ...sample, status: 200, elapsedMs: 10 });
    workers[0]?.record({ ...sample, status: 200, elapsedMs: 10 });
    advance(1000);
    report(0);
    const update = service.handle({ op: "traffic", route: null, after: null }) as TrafficUpdate;
    expect(update.points.reduce((sum, point) => sum + point.requests, 0)).toBe(2);
  });

  it("follows config reloads: the routes view lists the routes of the new config", () => {
    const { service } = setUp();
    service.applyConfig({ ...CONFIG, routes: [{ ...CONFIG.routes[0], name: "renamed" }] });
    const view = service.handle({ op: "routes" }) as RoutesView;
    expect(view.routes.map((route) => route.name)).toEqual(["renamed"]);
  });
});
