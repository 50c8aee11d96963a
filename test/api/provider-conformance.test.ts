import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import {
  expectNoSpecViolations,
  type MockUpstream,
  type RecordedRequest,
  type ScriptedResponse,
} from "../mock-upstream/index.js";
import { PROVIDER_CASES } from "./conformance-providers.js";
import { type GatewayUnderTest, type JsonResponse, routeYaml, startGateway } from "./gateway-under-test.js";
import {
  type ChatIntent,
  type EmbeddingsIntent,
  type ExpectedUpstreamCall,
  modelFor,
  type ProviderCase,
  ROUTE_TYPE_OF,
  type RouteKind,
  textsOf,
} from "./provider-case.js";

/**
 * The conformance suite every provider runs over the MLflow API: per route type it serves, the exact request
 * the upstream receives and the exact MLflow answer. Route types a provider cannot serve are skipped with the
 * reason, and a config asking for one is rejected when it loads.
 */

interface ChatScenario {
  name: string;
  intent(provider: ProviderCase): ChatIntent;
}

const CHAT_SCENARIOS: ChatScenario[] = [
  {
    name: "a user message with MLflow's default temperature 0",
    intent: () => ({ user: "What is a gateway?" }),
  },
  {
    name: "temperature 0.5, mapped linearly onto the provider's range",
    intent: () => ({ user: "Be creative", temperature: 0.5 }),
  },
  { name: "a system message", intent: () => ({ system: "Answer briefly.", user: "Why is the sky blue?" }) },
  {
    name: "max_tokens, stop, top_p and seed",
    intent: () => ({ user: "Count to three", maxTokens: 50, stop: ["END", "STOP"], topP: 0.9, seed: 42 }),
  },
  {
    name: "provider-specific fields the gateway does not model",
    intent: (provider) => ({ user: "Hello there", extra: provider.passThrough.chat }),
  },
];

const COMPLETIONS_SCENARIOS: ChatScenario[] = [
  { name: "a prompt, sent as one user message", intent: () => ({ user: "Once upon a time" }) },
  {
    name: "a prompt with temperature 0.5, max_tokens and stop",
    intent: () => ({ user: "Write a haiku", temperature: 0.5, maxTokens: 20, stop: ["\n\n"] }),
  },
];

interface EmbeddingsScenario {
  name: string;
  intent(provider: ProviderCase): EmbeddingsIntent;
}

const EMBEDDINGS_SCENARIOS: EmbeddingsScenario[] = [
  { name: "one text", intent: () => ({ text: "hello world" }) },
  { name: "a list of texts", intent: () => ({ text: ["first text here", "second"] }) },
  {
    name: "a list under the documented alias `texts`",
    intent: () => ({ text: ["alpha beta", "gamma"], underTextsKey: true }),
  },
  {
    name: "provider-specific fields the gateway does not model",
    intent: (provider) => ({ text: ["search me"], extra: provider.passThrough.embeddings }),
  },
];

function mlflowChatBody(intent: ChatIntent, kind: "chat" | "completions"): Record<string, unknown> {
  const messages = [
    ...(intent.system === undefined ? [] : [{ role: "system", content: intent.system }]),
    { role: "user", content: intent.user },
  ];
  return {
    ...(kind === "chat" ? { messages } : { prompt: intent.user }),
    ...(intent.temperature !== undefined && { temperature: intent.temperature }),
    ...(intent.maxTokens !== undefined && { max_tokens: intent.maxTokens }),
    ...(intent.stop !== undefined && { stop: intent.stop }),
    ...(intent.topP !== undefined && { top_p: intent.topP }),
    ...(intent.seed !== undefined && { seed: intent.seed }),
    ...(intent.candidates !== undefined && { candidate_count: intent.candidates }),
    ...intent.extra,
  };
}

function mlflowEmbeddingsBody(intent: EmbeddingsIntent): Record<string, unknown> {
  return { [intent.underTextsKey ? "texts" : "text"]: intent.text, ...intent.extra };
}

function expectedChatResponse(provider: ProviderCase, intent: ChatIntent, kind: "chat" | "completions") {
  const reply = provider.expectedReply(intent);
  const candidates = intent.candidates ?? 1;
  const candidate =
    kind === "chat"
      ? { message: { role: "assistant", content: reply.text }, metadata: { finish_reason: "stop" } }
      : { text: reply.text, metadata: { finish_reason: "stop" } };
  const outputTokens = reply.outputTokens * candidates;
  return {
    candidates: Array.from({ length: candidates }, () => candidate),
    metadata: {
      input_tokens: reply.inputTokens,
      output_tokens: outputTokens,
      total_tokens: reply.inputTokens + outputTokens,
      model: provider.reportedModel,
      route_type: ROUTE_TYPE_OF[kind],
    },
  };
}

function expectedEmbeddingsResponse(provider: ProviderCase, intent: EmbeddingsIntent) {
  const { vectors, inputTokens } = provider.expectedEmbeddings(textsOf(intent));
  return {
    embeddings: vectors,
    metadata: {
      input_tokens: inputTokens,
      // Unknown counts stay unknown (null), never 0.
      output_tokens: inputTokens === null ? null : 0,
      total_tokens: inputTokens,
      model: provider.embeddingsModel ?? provider.reportedModel,
      route_type: "llm/v1/embeddings",
    },
  };
}

function expectUpstreamCall(requests: RecordedRequest[], expected: ExpectedUpstreamCall): void {
  expect(requests).toHaveLength(1);
  const [request] = requests as [RecordedRequest];
  expect({ method: request.method, path: request.path, query: request.query }).toEqual({
    method: "POST",
    path: expected.path,
    query: expected.query,
  });
  expect(request.headers).toMatchObject(expected.headers);
  for (const name of expected.absentHeaders) expect(request.headers[name], `header ${name}`).toBeUndefined();
  expect(request.body).toEqual(expected.body);
}

/** One query of the suite, worked out for one provider: what to send, and what must reach the upstream and come back. */
interface QueryCase {
  name: string;
  mlflowBody: Record<string, unknown>;
  /** Undefined for in-process providers, which call no upstream. */
  upstreamCall: ExpectedUpstreamCall | undefined;
  mlflowResponse: unknown;
}

function queryCases(provider: ProviderCase, kind: RouteKind): QueryCase[] {
  if (kind === "embeddings") {
    return EMBEDDINGS_SCENARIOS.map((scenario) => {
      const intent = scenario.intent(provider);
      return {
        name: scenario.name,
        mlflowBody: mlflowEmbeddingsBody(intent),
        upstreamCall: provider.expectedEmbeddingsCall?.(intent),
        mlflowResponse: expectedEmbeddingsResponse(provider, intent),
      };
    });
  }
  return (kind === "chat" ? CHAT_SCENARIOS : COMPLETIONS_SCENARIOS).map((scenario) => {
    const intent = scenario.intent(provider);
    return {
      name: scenario.name,
      mlflowBody: mlflowChatBody(intent, kind),
      upstreamCall: expectedCallOf(provider, kind, intent),
      mlflowResponse: expectedChatResponse(provider, intent, kind),
    };
  });
}

/** A completions query goes to the provider's completions endpoint where it has one, else through chat. */
function expectedCallOf(provider: ProviderCase, kind: "chat" | "completions", intent: ChatIntent) {
  if (kind === "completions" && provider.expectedCompletionsCall !== undefined) {
    return provider.expectedCompletionsCall(intent);
  }
  return provider.expectedChatCall?.(intent);
}

const ROUTE_KINDS = Object.keys(ROUTE_TYPE_OF) as RouteKind[];

for (const provider of PROVIDER_CASES) {
  describe(`provider ${provider.label}`, () => {
    let mock: MockUpstream | undefined;
    let gateway: GatewayUnderTest;

    beforeAll(async () => {
      mock = await provider.startMock?.();
      const config = provider.config(mock?.url ?? "");
      const routes = ROUTE_KINDS.filter((kind) => provider.serves[kind] === true).map((kind) =>
        routeYaml(kind, ROUTE_TYPE_OF[kind], provider.provider, modelFor(provider, kind), config),
      );
      gateway = await startGateway(`routes:\n${routes.join("")}`);
    });
    afterAll(async () => {
      await gateway?.close();
      await mock?.close();
    });
    afterEach(() => {
      if (mock !== undefined) expectNoSpecViolations(mock);
    });

    /** Sends one query with a clean mock (answering `scripted` if given), and keeps what the upstream received. */
    async function query(kind: RouteKind, body: unknown, scripted?: ScriptedResponse): Promise<QueryResult> {
      mock?.reset();
      if (scripted !== undefined) mock?.enqueue(scripted);
      const response = await gateway.post(`/gateway/${kind}/invocations`, body);
      return { response, upstream: [...(mock?.requests ?? [])] };
    }

    for (const kind of ROUTE_KINDS) {
      const serves = provider.serves[kind];
      if (serves !== true) {
        it.skip(`serves ${ROUTE_TYPE_OF[kind]} (skipped: ${serves})`, () => {});
        continue;
      }
      describe(ROUTE_TYPE_OF[kind], () => {
        for (const testCase of queryCases(provider, kind)) {
          describe(`given ${testCase.name}`, () => {
            let result: QueryResult;
            beforeAll(async () => {
              result = await query(kind, testCase.mlflowBody);
            });

            const { upstreamCall } = testCase;
            if (upstreamCall === undefined) {
              it.skip("sends the exact upstream request (skipped: the provider answers in-process)", () => {});
            } else {
              it("sends the exact upstream request", () => expectUpstreamCall(result.upstream, upstreamCall));
            }
            it("answers with the exact MLflow response", () => {
              expect(result.response.status).toBe(200);
              expect(result.response.body).toEqual(testCase.mlflowResponse);
            });
          });
        }

        if (kind === "embeddings") return;
        it("reports an answer cut at max_tokens as finish_reason length", async () => {
          const body = mlflowChatBody({ user: "Tell me a long story", maxTokens: 2 }, kind);
          const answer =
            kind === "completions"
              ? (provider.lengthLimitedCompletion ?? provider.lengthLimitedAnswer)
              : provider.lengthLimitedAnswer;
          const { response } = await query(kind, body, answer);
          expect(response.status).toBe(200);
          const { candidates } = response.body as { candidates: { metadata: { finish_reason: string } }[] };
          expect(candidates.map((candidate) => candidate.metadata.finish_reason)).toEqual(["length"]);
        });

        const twoCandidates: ChatIntent = { user: "Two answers please", candidates: 2 };
        if (provider.maxCandidates >= 2) {
          it("asks the upstream for candidate_count candidates and returns them all", async () => {
            const { response, upstream } = await query(kind, mlflowChatBody(twoCandidates, kind));
            const upstreamCall = expectedCallOf(provider, kind, twoCandidates);
            if (upstreamCall !== undefined) expectUpstreamCall(upstream, upstreamCall);
            expect(response.status).toBe(200);
            expect(response.body).toEqual(expectedChatResponse(provider, twoCandidates, kind));
          });
        } else {
          it("refuses candidate_count 2 with a 422 naming the one-candidate limit, without calling the upstream", async () => {
            const { response, upstream } = await query(kind, mlflowChatBody(twoCandidates, kind));
            expect(response.status).toBe(422);
            const { detail } = response.body as { detail: string };
            expect(detail).toContain(provider.candidateLimitMessage);
            expect(detail).toContain("(got 2)");
            expect(upstream).toEqual([]);
          });
        }
      });
    }
  });
}

interface QueryResult {
  response: JsonResponse;
  upstream: RecordedRequest[];
}

describe("route types a provider cannot serve", () => {
  for (const provider of PROVIDER_CASES) {
    const servedTypes = ROUTE_KINDS.filter((kind) => provider.serves[kind] === true).map(
      (kind) => ROUTE_TYPE_OF[kind],
    );
    for (const kind of ROUTE_KINDS.filter((candidate) => provider.serves[candidate] !== true)) {
      it(`rejects a ${ROUTE_TYPE_OF[kind]} route for ${provider.label} when the config loads, saying what it serves`, () => {
        const config = provider.config("http://127.0.0.1:9");
        const yaml = `routes:\n${routeYaml("unserved", ROUTE_TYPE_OF[kind], provider.provider, modelFor(provider, kind), config)}`;
        const parsed = parseConfig(yaml, "/virtual/unserved.yaml", {});
        expect(parsed).toEqual({
          ok: false,
          issues: [
            {
              file: "/virtual/unserved.yaml",
              line: 5,
              column: expect.any(Number),
              route: "unserved",
              field: "model.provider",
              message: `provider '${provider.provider}' cannot serve ${ROUTE_TYPE_OF[kind]} routes; it serves: ${servedTypes.join(", ")}`,
            },
          ],
        });
      });
    }
  }
});
