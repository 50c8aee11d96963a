import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  expectNoSpecViolations,
  type MockUpstream,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { askChat, CLIENT_APIS, type ClientApi } from "./gateway-calls.js";
import { anthropicTarget, configText, labelOf, openAITarget, type TargetSpec } from "./resilience-config.js";
import {
  ANTHROPIC_SHAPES,
  FAULTY_TARGET_TIMEOUTS,
  NON_RETRYABLE_STATUSES,
  nonRetryableFault,
  OPENAI_SHAPES,
  type ProviderShapes,
  RETRYABLE_FAULTS,
} from "./upstream-faults.js";

/**
 * Every way an upstream fails, against the three answers a route can give: retry the same target, fall back
 * from an OpenAI target (relayed as it is) to an Anthropic one (translated), and the reverse. Through the
 * OpenAI API and the MLflow API. Breakers are off here (circuit-breaker.test.ts covers them), so each case
 * stands alone.
 */

let openai: MockUpstream;
let anthropic: MockUpstream;
let gateway: GatewayUnderTest;

interface RouteUnderTest {
  name: string;
  /** What the first attempt reaches, and in which shapes that upstream fails. */
  first: { target: TargetSpec; mock: () => MockUpstream; shapes: ProviderShapes };
  /** The target that serves after a retryable failure of the first attempt. */
  serving: { target: TargetSpec; mock: () => MockUpstream };
}

const routes: RouteUnderTest[] = [];

beforeAll(async () => {
  openai = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  const faulty = { timeouts: FAULTY_TARGET_TIMEOUTS };
  const retried = openAITarget(openai, "gpt-retried", faulty);
  const openaiFirst = openAITarget(openai, "gpt-first", faulty);
  const claudeSecond = anthropicTarget(anthropic, "claude-second");
  const claudeFirst = anthropicTarget(anthropic, "claude-first", faulty);
  const openaiSecond = openAITarget(openai, "gpt-second");
  routes.push(
    {
      name: "retry-openai",
      first: { target: retried, mock: () => openai, shapes: OPENAI_SHAPES },
      serving: { target: retried, mock: () => openai },
    },
    {
      name: "openai-then-anthropic",
      first: { target: openaiFirst, mock: () => openai, shapes: OPENAI_SHAPES },
      serving: { target: claudeSecond, mock: () => anthropic },
    },
    {
      name: "anthropic-then-openai",
      first: { target: claudeFirst, mock: () => anthropic, shapes: ANTHROPIC_SHAPES },
      serving: { target: openaiSecond, mock: () => openai },
    },
  );
  const noBreaker = { failure_threshold: 0 };
  gateway = await startGateway(
    configText([
      {
        name: "retry-openai",
        targets: [retried],
        retries: { max_attempts: 2, initial_backoff_seconds: 0.01 },
        circuit_breaker: noBreaker,
      },
      {
        name: "openai-then-anthropic",
        targets: [openaiFirst, claudeSecond],
        retries: { max_attempts: 1 },
        circuit_breaker: noBreaker,
      },
      {
        name: "anthropic-then-openai",
        targets: [claudeFirst, openaiSecond],
        retries: { max_attempts: 1 },
        circuit_breaker: noBreaker,
      },
    ]),
  );
});

afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});

beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

function modelsAsked(mock: MockUpstream): unknown[] {
  return mock.requests.map((request) => (request.body as { model?: unknown } | undefined)?.model);
}

async function ask(api: ClientApi, route: string) {
  return askChat(gateway.url, api, route, "hello");
}

/** Builds the rows lazily: the routes exist once the mocks have started. */
function rows(api: ClientApi) {
  return ["retry-openai", "openai-then-anthropic", "anthropic-then-openai"].map((name) => ({ api, name }));
}

function routeNamed(name: string): RouteUnderTest {
  const route = routes.find((candidate) => candidate.name === name);
  if (route === undefined) throw new Error(`no route ${name}`);
  return route;
}

describe.each(CLIENT_APIS.flatMap(rows))("$api API, route $name", ({ api, name }) => {
  it.each(RETRYABLE_FAULTS)(
    "serves the request when the first attempt gets $name, then serves the next one on the first target",
    async (fault) => {
      const { first, serving } = routeNamed(name);
      first.mock().enqueue(fault.answer(first.shapes));

      const answer = await ask(api, name);

      expect(answer.status, answer.text).toBe(200);
      expect(answer.content).toBe("Echo: hello");
      expect(answer.target).toBe(labelOf(serving.target));
      expect(answer.attempts).toBe(2);
      // The first attempt went to the first target, the second to the serving one (the same one on a retry).
      expect(modelsAsked(first.mock())[0]).toBe(first.target.name);
      expect(modelsAsked(serving.mock()).at(-1)).toBe(serving.target.name);
      expect(openai.requests.length + anthropic.requests.length).toBe(2);
      // Each attempt speaks its own target's dialect: the OpenAI API's body is relayed to an OpenAI target as
      // it is (only the model swapped), and translated into a Messages request for an Anthropic target.
      const messages = [{ role: "user", content: "hello" }];
      if (api === "openai") {
        for (const request of openai.requests)
          expect(request.body).toEqual({ model: expect.any(String), messages });
      }
      for (const request of anthropic.requests)
        expect(request.body).toMatchObject({ messages, max_tokens: expect.any(Number) });
      expectNoSpecViolations(openai);
      expectNoSpecViolations(anthropic);

      // The failure left nothing behind: the next request is served by the first target at once.
      const next = await ask(api, name);
      expect(next.status, next.text).toBe(200);
      expect(next.target).toBe(labelOf(first.target));
      expect(next.attempts).toBe(1);
    },
  );

  it.each(NON_RETRYABLE_STATUSES.map((status) => ({ status })))(
    "answers an upstream $status at once: no retry, no fallback",
    async ({ status }) => {
      const { first, serving } = routeNamed(name);
      first.mock().enqueue(nonRetryableFault(status).answer(first.shapes));

      const answer = await ask(api, name);

      expect(answer.status).toBe(status);
      expect(answer.text).toContain(`Refused with ${status}.`);
      expect(answer.attempts).toBe(1);
      expect(answer.target).toBe(labelOf(first.target));
      expect(first.mock().requests).toHaveLength(1);
      if (serving.mock() !== first.mock()) expect(serving.mock().requests).toHaveLength(0);
    },
  );
});

describe("an Anthropic target that is overloaded", () => {
  it.each(CLIENT_APIS)(
    "falls back to the next target on Anthropic's 529 overloaded_error (%s API)",
    async (api) => {
      anthropic.enqueue({
        kind: "json",
        status: 529,
        body: ANTHROPIC_SHAPES.errorBody(529, "Overloaded"),
      });

      const answer = await ask(api, "anthropic-then-openai");

      expect(answer.status, answer.text).toBe(200);
      expect(answer.target).toBe("openai/gpt-second");
      expect(answer.attempts).toBe(2);
    },
  );
});
