import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  type MockUpstream,
  type ScriptedResponse,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { askChat, CLIENT_APIS, circuitStates, runConcurrently, waitUntil } from "./gateway-calls.js";
import { anthropicTarget, configText, openAITarget, type RouteSpec } from "./resilience-config.js";
import { ANTHROPIC_SHAPES, OPENAI_SHAPES } from "./upstream-faults.js";

/**
 * A target's circuit breaker, seen from outside: it opens after `failure_threshold` consecutive failures and
 * the target then gets no requests; after the cool-down one probe goes through; a successful probe brings
 * traffic back gradually (recovering) and then fully (closed); a failed one opens the circuit again. Every
 * transition is logged and shown in the route information. Cool-downs are short and waited for; no test
 * measures how long anything took.
 */

const ROUTE = "breaker";
const FIRST = "openai/gpt-a";
const SECOND = "anthropic/claude-b";
/** A route with one target, gpt-solo: nothing to fall back to. */
const SOLO = "solo";

let first: MockUpstream;
let second: MockUpstream;
let gateway: GatewayUnderTest | undefined;

beforeAll(async () => {
  first = await startOpenAIMock();
  second = await startAnthropicMock();
});

afterAll(async () => {
  await first?.close();
  await second?.close();
});

beforeEach(() => {
  first.reset();
  second.reset();
});

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A gateway with the route gpt-a then claude-b, and SOLO; no retries, and the given breaker settings. */
async function startBreakerGateway(
  breaker: NonNullable<RouteSpec["circuit_breaker"]>,
): Promise<GatewayUnderTest> {
  gateway = await startGateway(
    configText([
      {
        name: ROUTE,
        targets: [openAITarget(first, "gpt-a"), anthropicTarget(second, "claude-b")],
        retries: { max_attempts: 1 },
        circuit_breaker: breaker,
      },
      {
        name: SOLO,
        targets: [openAITarget(first, "gpt-solo")],
        retries: { max_attempts: 1 },
        circuit_breaker: breaker,
      },
    ]),
  );
  return gateway;
}

function serverError(shapes = OPENAI_SHAPES): ScriptedResponse {
  return { kind: "json", status: 500, body: shapes.errorBody(500, "The server had an error.") };
}

/** Fails the first target `times` times through requests that the second target then serves. */
async function failFirstTarget(gw: GatewayUnderTest, times: number): Promise<void> {
  for (let index = 0; index < times; index++) first.enqueue(serverError());
  for (let index = 0; index < times; index++) {
    const answer = await askChat(gw.url, "openai", ROUTE);
    expect(answer.status).toBe(200);
    expect(answer.target).toBe(SECOND);
    expect(answer.attempts).toBe(2);
  }
}

function transition(from: string, to: string): string {
  return `circuit of route '${ROUTE}' target ${FIRST}: ${from} -> ${to}`;
}

describe("a target that keeps failing", () => {
  it("opens after failure_threshold consecutive failures, then gets no requests while open", async () => {
    const gw = await startBreakerGateway({ failure_threshold: 3, cooldown_seconds: 60 });
    await failFirstTarget(gw, 2);
    expect(await circuitStates(gw.url, ROUTE)).toEqual({ [FIRST]: "closed", [SECOND]: "closed" });

    await failFirstTarget(gw, 1);

    expect(await circuitStates(gw.url, ROUTE)).toEqual({ [FIRST]: "open", [SECOND]: "closed" });
    expect(gw.logs()).toContain(`${transition("closed", "open")} (3 consecutive failures)`);
    const during = await runConcurrently(10, 4, (index) =>
      askChat(gw.url, CLIENT_APIS[index % 2] ?? "openai", ROUTE),
    );
    expect(during.map((answer) => [answer.status, answer.target, answer.attempts])).toEqual(
      during.map(() => [200, SECOND, 1]),
    );
    expect(first.requests).toHaveLength(3);
  });

  it("stays closed when failures are not consecutive", async () => {
    const gw = await startBreakerGateway({ failure_threshold: 3, cooldown_seconds: 60 });
    await failFirstTarget(gw, 2);
    const success = await askChat(gw.url, "openai", ROUTE);
    expect(success.target).toBe(FIRST);

    await failFirstTarget(gw, 2);

    expect(await circuitStates(gw.url, ROUTE)).toEqual({ [FIRST]: "closed", [SECOND]: "closed" });
    expect(gw.logs()).not.toContain("circuit of route");
  });
});

describe("after the cool-down", () => {
  it("lets exactly one probe through, and keeps skipping the target while the probe is out", async () => {
    const gw = await startBreakerGateway({ failure_threshold: 1, cooldown_seconds: 1, ramp_up_seconds: 60 });
    await failFirstTarget(gw, 1);
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const body = JSON.stringify(OPENAI_SHAPES.okBody());
    first.enqueue({
      kind: "stream",
      contentType: "application/json",
      frames: [body],
      hold: { afterFrames: 0, until: held },
    });
    await sleep(1_250);

    const probe = askChat(gw.url, "openai", ROUTE);
    await waitUntil(() => first.requests.length === 2, "the probe reached the first target");
    expect(await circuitStates(gw.url, ROUTE)).toMatchObject({ [FIRST]: "half_open" });
    const meanwhile = await runConcurrently(6, 3, (index) =>
      askChat(gw.url, CLIENT_APIS[index % 2] ?? "openai", ROUTE),
    );
    expect(meanwhile.map((answer) => [answer.status, answer.target, answer.attempts])).toEqual(
      meanwhile.map(() => [200, SECOND, 1]),
    );
    expect(first.requests).toHaveLength(2);
    release();

    const probeAnswer = await probe;
    expect([probeAnswer.status, probeAnswer.target, probeAnswer.attempts]).toEqual([200, FIRST, 1]);
    expect(await circuitStates(gw.url, ROUTE)).toMatchObject({ [FIRST]: "recovering" });
    expect(gw.logs()).toContain(transition("open", "half_open"));
    expect(gw.logs()).toContain(transition("half_open", "recovering"));
  });

  it("gives a recovering target only part of the traffic at first", async () => {
    const gw = await startBreakerGateway({
      failure_threshold: 1,
      cooldown_seconds: 0.3,
      ramp_up_seconds: 60,
    });
    await failFirstTarget(gw, 1);
    await sleep(500);
    expect((await askChat(gw.url, "openai", ROUTE)).target).toBe(FIRST);
    expect(await circuitStates(gw.url, ROUTE)).toMatchObject({ [FIRST]: "recovering" });

    // The share starts at 10% and grows over the 60 s ramp: about 10 of 100 requests, never near all of them.
    const answers = await runConcurrently(100, 8, () => askChat(gw.url, "mlflow", ROUTE));

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const onFirst = answers.filter((answer) => answer.target === FIRST).length;
    expect(onFirst).toBeLessThan(50);
    expect(answers.filter((answer) => answer.target === SECOND).length).toBe(100 - onFirst);
  });

  it("serves every request on a recovering target that has no alternative", async () => {
    const gw = await startBreakerGateway({
      failure_threshold: 1,
      cooldown_seconds: 0.3,
      ramp_up_seconds: 60,
    });
    first.enqueue(serverError());
    expect((await askChat(gw.url, "openai", SOLO)).status).toBe(500);
    await sleep(500);
    expect((await askChat(gw.url, "openai", SOLO)).status).toBe(200);
    expect(await circuitStates(gw.url, SOLO)).toEqual({ "openai/gpt-solo": "recovering" });

    // The ramp shifts traffic away from a recovering target only while another target can take it.
    const answers = await runConcurrently(30, 4, (index) =>
      askChat(gw.url, CLIENT_APIS[index % 2] ?? "openai", SOLO),
    );

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  });

  it("closes once the ramp-up is over, and then the target serves every request again", async () => {
    const gw = await startBreakerGateway({
      failure_threshold: 1,
      cooldown_seconds: 0.3,
      ramp_up_seconds: 0.3,
    });
    await failFirstTarget(gw, 1);
    await sleep(500);
    expect((await askChat(gw.url, "openai", ROUTE)).target).toBe(FIRST);
    expect(await circuitStates(gw.url, ROUTE)).toMatchObject({ [FIRST]: "recovering" });

    await waitUntil(async () => {
      await askChat(gw.url, "openai", ROUTE);
      return (await circuitStates(gw.url, ROUTE))[FIRST] === "closed";
    }, "the circuit closed");

    expect(gw.logs()).toContain(`${transition("recovering", "closed")} (ramp-up complete)`);
    const after = await runConcurrently(10, 2, (index) =>
      askChat(gw.url, CLIENT_APIS[index % 2] ?? "openai", ROUTE),
    );
    expect(after.map((answer) => [answer.status, answer.target, answer.attempts])).toEqual(
      after.map(() => [200, FIRST, 1]),
    );
  });

  it("opens the circuit again when the probe fails", async () => {
    const gw = await startBreakerGateway({ failure_threshold: 1, cooldown_seconds: 1, ramp_up_seconds: 60 });
    await failFirstTarget(gw, 1);
    await sleep(1_250);

    await failFirstTarget(gw, 1);

    expect(await circuitStates(gw.url, ROUTE)).toMatchObject({ [FIRST]: "open" });
    expect(gw.logs()).toContain(`${transition("half_open", "open")} (failed while probing)`);
    const next = await askChat(gw.url, "openai", ROUTE);
    expect([next.status, next.target, next.attempts]).toEqual([200, SECOND, 1]);
    expect(first.requests).toHaveLength(2);
  });
});

describe("a route whose every target is open", () => {
  it.each(CLIENT_APIS)(
    "still tries the target open longest, and answers (panic mode, %s API)",
    async (api) => {
      const gw = await startBreakerGateway({ failure_threshold: 1, cooldown_seconds: 60 });
      first.enqueue(serverError());
      second.enqueue(serverError(ANTHROPIC_SHAPES));
      await askChat(gw.url, api, ROUTE);
      expect(await circuitStates(gw.url, ROUTE)).toEqual({ [FIRST]: "open", [SECOND]: "open" });

      const answer = await askChat(gw.url, api, ROUTE);

      expect([answer.status, answer.target, answer.attempts]).toEqual([200, FIRST, 1]);
      expect(first.requests).toHaveLength(2);
      expect(second.requests).toHaveLength(1);
    },
  );

  it.each(CLIENT_APIS)(
    "answers 503 with Retry-After and asks no upstream with fail_fast (%s API)",
    async (api) => {
      const gw = await startBreakerGateway({ failure_threshold: 1, cooldown_seconds: 60, fail_fast: true });
      first.enqueue(serverError());
      second.enqueue(serverError(ANTHROPIC_SHAPES));
      const failed = await askChat(gw.url, api, ROUTE);
      expect(failed.status).toBe(500);
      expect(await circuitStates(gw.url, ROUTE)).toEqual({ [FIRST]: "open", [SECOND]: "open" });

      const answer = await askChat(gw.url, api, ROUTE);

      expect(answer.status).toBe(503);
      const retryAfter = Number(answer.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const message =
        api === "openai"
          ? (answer.body as { error: { message: string } }).error.message
          : (answer.body as { detail: string }).detail;
      expect(message).toMatch(/circuit open/);
      expect(first.requests).toHaveLength(1);
      expect(second.requests).toHaveLength(1);
    },
  );
});
