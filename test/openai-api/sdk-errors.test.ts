import type OpenAI from "openai";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  UnprocessableEntityError,
} from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations, type ScriptedResponse } from "../mock-upstream/index.js";
import { closedPortUrl } from "../support/closed-port-url.js";
import { type ProvidersGateway, type RouteSpec, routeName, startProvidersGateway } from "./api-gateway.js";
import { API_PROVIDERS, type ApiProvider, apiProvider, UPSTREAM_PROVIDERS } from "./api-providers.js";
import { createRecordedSdkClient, type RecordedSdkClient } from "./recorded-sdk-client.js";

/**
 * Every error class of the official SDK, raised by what the gateway answers: its own refusals (bad body, wrong
 * route type, unknown model) and each upstream failure, per provider. Every error body must be OpenAI's
 * ErrorResponse, which the recorded exchanges are checked against.
 */

type ErrorClass = new (...args: never[]) => APIError;

interface UpstreamFault {
  name: string;
  errorClass: ErrorClass;
  status: number;
  answer?(provider: ApiProvider): ScriptedResponse;
  /** Which of the provider's routes is asked: its plain chat route unless said otherwise. */
  route?: "first-byte" | "closed";
  /** Headers the client must get. */
  headers?: Record<string, string>;
  /** Part of the message the client must get. */
  message?: string;
}

const UPSTREAM_FAULTS: UpstreamFault[] = [
  {
    name: "raises AuthenticationError for the upstream's 401, with the upstream's message",
    errorClass: AuthenticationError,
    status: 401,
    answer: (provider) => json(401, provider.errorBody?.(401, "Incorrect API key provided.")),
    message: "Incorrect API key provided.",
  },
  {
    name: "raises UnprocessableEntityError for the upstream's 422",
    errorClass: UnprocessableEntityError,
    status: 422,
    answer: (provider) => json(422, provider.errorBody?.(422, "The prompt cannot be processed.")),
    message: "The prompt cannot be processed.",
  },
  {
    name: "raises RateLimitError for the upstream's 429, passing its Retry-After on",
    errorClass: RateLimitError,
    status: 429,
    answer: (provider) => ({
      ...json(429, provider.errorBody?.(429, "Rate limit reached.")),
      headers: { "retry-after": "17" },
    }),
    headers: { "retry-after": "17" },
    message: "Rate limit reached.",
  },
  {
    name: "raises InternalServerError for the upstream's 500",
    errorClass: InternalServerError,
    status: 500,
    answer: (provider) => json(500, provider.errorBody?.(500, "The server had an error.")),
    message: "The server had an error.",
  },
  {
    name: "answers 502 for an HTML error page from a proxy in front of the upstream",
    errorClass: InternalServerError,
    status: 502,
    answer: () => ({
      kind: "raw",
      status: 502,
      contentType: "text/html",
      body: "<html><h1>502 Bad Gateway</h1></html>",
    }),
  },
  {
    name: "answers 502 for a 200 answer that is an HTML page, not JSON",
    errorClass: InternalServerError,
    status: 502,
    answer: () => ({ kind: "raw", status: 200, contentType: "text/html", body: "<html>Welcome</html>" }),
  },
  {
    name: "answers 503 for the upstream's 503",
    errorClass: InternalServerError,
    status: 503,
    answer: (provider) => json(503, provider.errorBody?.(503, "The engine is currently overloaded.")),
    message: "The engine is currently overloaded.",
  },
  {
    name: "answers 504 when the upstream sends nothing within the route's first_byte_seconds",
    errorClass: InternalServerError,
    status: 504,
    answer: () => ({ kind: "hang" }),
    route: "first-byte",
  },
  {
    name: "answers 502 when the upstream refuses the connection",
    errorClass: InternalServerError,
    status: 502,
    route: "closed",
  },
];

function json(status: number, body: unknown): ScriptedResponse & { kind: "json" } {
  return { kind: "json", status, body };
}

let setup: ProvidersGateway;
let sdk: RecordedSdkClient;

beforeAll(async () => {
  const closed = await closedPortUrl();
  const extraRoutes = UPSTREAM_PROVIDERS.flatMap((provider): RouteSpec[] => [
    { name: `${provider.label}-first-byte`, kind: "chat", provider, timeouts: { first_byte_seconds: 0.2 } },
    { name: `${provider.label}-closed`, kind: "chat", provider, upstreamUrl: closed },
  ]);
  setup = await startProvidersGateway(API_PROVIDERS, extraRoutes);
  sdk = createRecordedSdkClient(setup.gateway.url);
});
afterAll(async () => {
  await setup?.close();
});
beforeEach(() => setup.resetMocks());
afterEach(async () => {
  await sdk.expectSpecValid();
  for (const provider of UPSTREAM_PROVIDERS) expectNoSpecViolations(setup.mockOf(provider));
});

async function failure(call: Promise<unknown>): Promise<APIError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

function chat(client: OpenAI, model: string): Promise<unknown> {
  return client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello" }] });
}

describe("errors the gateway raises itself", () => {
  const openai = apiProvider("openai");

  // A route whose first target translates validates the body itself, before any upstream call. (A route whose
  // first target is OpenAI-shaped relays the body, and the upstream's own validation answers, in the same
  // dialect: see the pass-through tests.)
  const anthropic = apiProvider("anthropic");

  it("raises BadRequestError naming the field for an invalid body", async () => {
    const error = await failure(
      sdk.client.chat.completions.create({
        model: routeName(anthropic, "chat"),
        messages: [{ role: "user", content: "Hello" }],
        temperature: "hot" as unknown as number,
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: "temperature", type: "invalid_request_error" });
    expect(setup.mockOf(anthropic).requests).toEqual([]);
  });

  it("raises BadRequestError for a request without messages", async () => {
    const error = await failure(
      sdk.client.chat.completions.create({ model: routeName(anthropic, "chat") } as never),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.param).toBe("messages");
    expect(setup.mockOf(anthropic).requests).toEqual([]);
  });

  it("raises BadRequestError saying which route type is needed when the route has another type", async () => {
    const error = await failure(chat(sdk.client, routeName(openai, "embeddings")));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain("llm/v1/chat");
    const embeddings = await failure(
      sdk.client.embeddings.create({ model: routeName(openai, "chat"), input: "x" }),
    );
    expect(embeddings).toBeInstanceOf(BadRequestError);
    expect(embeddings.message).toContain("llm/v1/embeddings");
  });

  it("raises NotFoundError with code model_not_found for a model that names no route", async () => {
    const error = await failure(chat(sdk.client, "no-such-route"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    expect(error.message).toContain("no-such-route");
    expect(await failure(sdk.client.models.retrieve("no-such-route"))).toBeInstanceOf(NotFoundError);
  });

  it("raises NotFoundError for a streaming request to an unknown model, before any stream starts", async () => {
    const error = await failure(
      sdk.client.chat.completions.create({
        model: "no-such-route",
        messages: [{ role: "user", content: "Hello" }],
        stream: true,
      }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(sdk.exchanges[0]?.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

for (const provider of UPSTREAM_PROVIDERS) {
  describe(`upstream errors on a route backed by ${provider.label}`, () => {
    for (const fault of UPSTREAM_FAULTS) {
      it(fault.name, async () => {
        if (fault.answer !== undefined) setup.mockOf(provider).enqueue(fault.answer(provider));
        const model =
          fault.route === undefined ? routeName(provider, "chat") : `${provider.label}-${fault.route}`;
        const error = await failure(chat(sdk.client, model));
        expect(error).toBeInstanceOf(fault.errorClass);
        expect(error.status).toBe(fault.status);
        expect(error.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
        if (fault.message !== undefined) expect(error.message).toContain(fault.message);
        for (const [name, value] of Object.entries(fault.headers ?? {}))
          expect(error.headers?.get(name)).toBe(value);
      });
    }
  });
}
