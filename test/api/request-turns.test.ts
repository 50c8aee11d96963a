import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_OVERLOAD_SETTINGS } from "../../src/config/overload-settings.js";
import { useLoadShedding } from "../../src/overload/load-shedding.js";
import { RequestTurns } from "../../src/overload/request-turns.js";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * New requests start in turns of the event loop (`server.overload.new_requests_per_turn`), so that a burst of
 * them does not hold the streams already running. A real Fastify instance with the gateway's own first hook
 * (load-shedding.ts) counts the loop's turns while ten requests arrive together, and notes the turn each
 * request's handler ran in: nothing is timed.
 */

let app: FastifyInstance | undefined;
let gateway: GatewayUnderTest | undefined;
let mock: MockUpstream | undefined;

afterEach(async () => {
  await app?.close();
  await gateway?.close();
  await mock?.close();
  app = gateway = mock = undefined;
});

/** Ten API requests and a health check sent at once; the loop turn each handler ran in, in the order they ran. */
async function burst(
  perTurn: number,
  shedding: boolean,
): Promise<{ api: { id: number; turn: number }[]; health: number }> {
  const turns = perTurn > 0 ? new RequestTurns(perTurn) : undefined;
  app = Fastify();
  await useLoadShedding(
    app,
    { ...DEFAULT_OVERLOAD_SETTINGS, enabled: shedding },
    turns,
    undefined,
    undefined,
  );
  let turn = 0;
  let counting = true;
  const count = (): void => {
    turn++;
    if (counting) setImmediate(count);
  };
  const api: { id: number; turn: number }[] = [];
  let health = -1;
  app.post("/v1/chat/completions", async (request) => {
    api.push({ id: (request.body as { id: number }).id, turn });
    return {};
  });
  app.get("/health", { config: { surface: "health" } }, async () => {
    health = turn;
    return {};
  });
  await app.ready();
  setImmediate(count);
  const requests = Array.from({ length: 10 }, (_, id) =>
    app?.inject({ method: "POST", url: "/v1/chat/completions", payload: { id } }),
  );
  requests.push(app.inject({ method: "GET", url: "/health" }));
  const answers = await Promise.all(requests);
  counting = false;
  expect(answers.map((answer) => answer?.statusCode)).toEqual(Array(11).fill(200));
  return { api, health };
}

describe("new requests started in turns", () => {
  it.each([false, true])(
    "start at most new_requests_per_turn in a turn of the event loop, in the order they came (shedding on: %s)",
    async (shedding) => {
      const { api } = await burst(3, shedding);
      expect(api.map((entry) => entry.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const perTurn = new Map<number, number>();
      for (const { turn } of api) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
      expect(Math.max(...perTurn.values())).toBe(3);
      expect(perTurn.size).toBe(4);
    },
  );

  it("let a health check pass the requests waiting", async () => {
    const { api, health } = await burst(3, true);
    // Sent after the ten, it runs no later than the first of them (it waited behind none).
    expect(health).toBeGreaterThanOrEqual(0);
    expect(health).toBeLessThanOrEqual(Math.min(...api.map((entry) => entry.turn)));
  });

  it.each([false, true])(
    "with new_requests_per_turn: 0, start every request as it arrives (shedding on: %s)",
    async (shedding) => {
      const { api } = await burst(0, shedding);
      expect(new Set(api.map((entry) => entry.turn)).size).toBe(1);
    },
  );

  it("are set from the config, and the requests waiting are a metric", async () => {
    mock = await startOpenAIMock();
    const config = { openai_api_key: "sk-test-turns", openai_api_base: `${mock.url}/v1` };
    const routes = `routes:\n${routeYaml("chat", "llm/v1/chat", "openai", "gpt-4o-mini", config)}`;
    gateway = await startGateway(
      `${routes}server:\n  overload: { enabled: false, new_requests_per_turn: 4 }\n`,
    );
    const chat = await gateway.post("/v1/chat/completions", {
      model: "chat",
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(chat.status).toBe(200);
    expect((await gateway.get("/metrics")).text).toMatch(/^switchyard_requests_waiting_to_start 0$/m);
    await gateway.close();
    gateway = await startGateway(
      `${routes}server:\n  overload: { enabled: false, new_requests_per_turn: 0 }\n`,
    );
    expect((await gateway.get("/metrics")).text).not.toContain("switchyard_requests_waiting_to_start");
  });
});
