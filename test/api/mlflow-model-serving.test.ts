import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import { expectNoSpecViolations, type MockUpstream, startMlflowServingMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "./gateway-under-test.js";

/**
 * MLflow model serving (`mlflow-model-serving` with `model_server_url`), as MLflow's own provider of that name
 * calls it (shared/reference §5.8): `{"inputs": [...], "params": {...}}` to `/invocations`, `predictions` read in
 * each shape MLflow accepts and refused (502) in the others, through the MLflow API and the OpenAI API.
 */

let mock: MockUpstream;
let gateway: GatewayUnderTest;
let openai: OpenAI;

beforeAll(async () => {
  mock = await startMlflowServingMock();
  const config = { model_server_url: mock.url };
  gateway = await startGateway(
    `routes:\n${["chat", "completions", "embeddings"]
      // One attempt: these tests are about what one answer becomes (an invalid one would otherwise be retried).
      .map(
        (kind) =>
          `${routeYaml(kind, `llm/v1/${kind}`, "mlflow-model-serving", "my-model", config)}    retries: { max_attempts: 1 }\n`,
      )
      .join("")}`,
  );
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());
afterEach(() => expectNoSpecViolations(mock));

const metadata = (routeType: string, outputTokens: number | null = null) => ({
  input_tokens: null,
  output_tokens: outputTokens,
  total_tokens: null,
  model: "my-model",
  route_type: routeType,
});

describe("MLflow API", () => {
  it("sends a chat query as MLflow does, one input with the params, and answers the prediction", async () => {
    const response = await gateway.post("/gateway/chat/invocations", {
      messages: [{ role: "user", content: "Is this a test?" }],
    });
    expect(mock.requests[0]?.body).toEqual({ inputs: ["Is this a test?"], params: { temperature: 0, n: 1 } });
    expect(response.body).toEqual({
      candidates: [
        {
          message: { role: "assistant", content: "Echo: Is this a test?" },
          metadata: { finish_reason: null },
        },
      ],
      metadata: metadata("llm/v1/chat"),
    });
  });

  it("refuses a conversation of several messages with MLflow's 422, without calling the model", async () => {
    const response = await gateway.post("/gateway/chat/invocations", {
      messages: [
        { role: "system", content: "Be brief" },
        { role: "user", content: "Hi" },
      ],
    });
    expect(response.status).toBe(422);
    expect((response.body as { detail: string }).detail).toContain(
      "MLflow chat models are only capable of processing a single query at a time. The request submitted consists of 2 queries.",
    );
    expect(mock.requests).toEqual([]);
  });

  it("sends a completions query with its parameters", async () => {
    const response = await gateway.post("/gateway/completions/invocations", {
      prompt: "Once upon",
      temperature: 0.5,
      max_tokens: 10,
      stop: ["."],
    });
    expect(mock.requests[0]?.body).toEqual({
      inputs: ["Once upon"],
      params: { temperature: 1, n: 1, max_tokens: 10, stop: ["."] },
    });
    expect(response.body).toMatchObject({ candidates: [{ text: "Echo: Once upon" }] });
  });

  it.each([
    ["a list of strings", ["a", "b"]],
    ["a dict with a single key", { outputs: ["a", "b"] }],
    ["a dict whose `candidates` holds them", { candidates: ["a", "b"], ignored: [1] }],
  ])("reads predictions given as %s", async (_name, predictions) => {
    mock.enqueue({ kind: "json", status: 200, body: { predictions } });
    const response = await gateway.post("/gateway/completions/invocations", { prompt: "x" });
    expect(
      (response.body as { candidates: { text: string }[] }).candidates.map((candidate) => candidate.text),
    ).toEqual(["a", "b"]);
  });

  it.each([
    ["numbers", [1, 2, 3]],
    ["an empty list", []],
    ["a dict of several keys without candidates", { a: ["x"], b: ["y"] }],
  ])("answers 502 for predictions that are %s", async (_name, predictions) => {
    mock.enqueue({ kind: "json", status: 200, body: { predictions } });
    const response = await gateway.post("/gateway/completions/invocations", { prompt: "x" });
    expect(response.status).toBe(502);
    expect((response.body as { detail: string }).detail).toContain("predictions");
  });

  it("answers 502 for an answer without predictions", async () => {
    mock.enqueue({ kind: "json", status: 200, body: { outputs: ["x"] } });
    const response = await gateway.post("/gateway/completions/invocations", { prompt: "x" });
    expect(response.status).toBe(502);
    expect((response.body as { detail: string }).detail).toContain("`predictions` is missing");
  });

  it.each([
    [
      "a list of vectors",
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
    ],
    ["one flat vector", [0.1, 0.2], [[0.1, 0.2]]],
  ])("sends embeddings inputs and reads predictions given as %s", async (_name, predictions, embeddings) => {
    mock.enqueue({ kind: "json", status: 200, body: { predictions } });
    const response = await gateway.post("/gateway/embeddings/invocations", { text: ["one", "two"] });
    expect(mock.requests[0]?.body).toEqual({ inputs: ["one", "two"] });
    expect(response.body).toEqual({ embeddings, metadata: metadata("llm/v1/embeddings", 0) });
  });

  it("passes the model server's error status and message on", async () => {
    mock.enqueue({
      kind: "json",
      status: 400,
      body: { error_code: "BAD_REQUEST", message: "Bad input shape" },
    });
    const response = await gateway.post("/gateway/completions/invocations", { prompt: "x" });
    expect(response).toMatchObject({ status: 400, body: { detail: "Bad input shape" } });
  });
});

describe("OpenAI API", () => {
  it("answers chat through the official SDK", async () => {
    const completion = await openai.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Echo: Hi");
  });

  it("replays the whole answer as a stream (a model server does not stream)", async () => {
    const stream = await openai.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "Hi there" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Echo: Hi there");
  });

  it("answers embeddings in the SDK's default base64", async () => {
    mock.enqueue({ kind: "json", status: 200, body: { predictions: [[0.5, -0.5]] } });
    const response = await openai.embeddings.create({ model: "embeddings", input: "one" });
    expect(response.data[0]?.embedding).toEqual([0.5, -0.5]);
  });

  it("names the provider when the model server says no", async () => {
    mock.enqueue({
      kind: "json",
      status: 400,
      body: { error_code: "BAD_REQUEST", message: "Bad input shape" },
    });
    const error = await openai.completions
      .create({ model: "completions", prompt: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 400,
      code: "BAD_REQUEST",
      message: expect.stringContaining("MLflow Model Serving: Bad input shape"),
    });
  });
});

describe("config", () => {
  it("reports a missing model_server_url at its file, line and column", () => {
    const yaml =
      "routes:\n  - name: chat\n    type: llm/v1/chat\n    model:\n      provider: mlflow-model-serving\n      config: {}\n";
    const parsed = parseConfig(yaml, "/virtual/serving.yaml", {});
    expect(parsed).toMatchObject({
      ok: false,
      issues: [
        {
          file: "/virtual/serving.yaml",
          line: 6,
          column: expect.any(Number),
          field: "model.config.model_server_url",
        },
      ],
    });
  });
});
