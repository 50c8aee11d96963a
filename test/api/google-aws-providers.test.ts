import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import {
  anthropicError,
  BEDROCK_TEST_KEYS,
  type BedrockMock,
  type GeminiMock,
  googleError,
  type MockUpstream,
  openAIError,
  startAnthropicMock,
  startBedrockMock,
  startGeminiMock,
  startOpenAIMock,
  testServiceAccountJson,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * What the Gemini, Vertex AI and Bedrock providers do beyond the conformance table: config errors with their
 * place in the file, credential failures as 502s that say what to check and never show a credential, Titan's one
 * text per call, Claude on Vertex, the AWS default chain, and fallback across all four provider families.
 */

const FILE = "/virtual/providers.yaml";

function issuesOf(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const parsed = parseConfig(yaml, FILE, env);
  return parsed.ok ? [] : parsed.issues;
}

const route = (provider: string, name: string, config: string, type = "llm/v1/chat") =>
  `routes:\n  - name: r\n    type: ${type}\n    model:\n      provider: ${provider}\n      name: ${name}\n      config:\n${config}`;

describe("configs refused when they load, at the line and column of the problem", () => {
  it("refuses vertex_credentials that are not JSON, without quoting them", () => {
    const issues = issuesOf(
      route("vertex_ai", "gemini-2.5-flash", "        vertex_credentials: not-json-at-all-secret\n"),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: FILE,
        line: 8,
        column: expect.any(Number),
        field: "model.config.vertex_credentials",
        message: expect.stringContaining(
          "is not a service-account JSON key: the value (or the file it names) is not valid JSON",
        ),
      }),
    ]);
    expect(JSON.stringify(issues)).not.toContain("not-json-at-all-secret");
  });

  it("refuses a service-account key whose private key is not PEM", () => {
    const key = JSON.stringify({
      type: "service_account",
      client_email: "a@b",
      private_key: "nope",
      project_id: "p",
    });
    const issues = issuesOf(route("vertex_ai", "gemini-2.5-flash", "        vertex_credentials: $KEY\n"), {
      KEY: key,
    });
    expect(issues).toEqual([
      expect.objectContaining({
        line: 8,
        message: expect.stringContaining('"private_key" is not a PEM private key'),
      }),
    ]);
  });

  it("refuses a Bedrock config without a region, and takes one from AWS_REGION", () => {
    const yaml = route(
      "bedrock",
      "anthropic.claude-3-haiku-20240307-v1:0",
      "        aws_config: { aws_access_key_id: AKIAEXAMPLEKEY12, aws_secret_access_key: secretsecret }\n",
    );
    expect(issuesOf(yaml)).toEqual([
      expect.objectContaining({
        line: 8,
        field: "model.config.aws_config.aws_region",
        message: expect.stringContaining("is required: the AWS region of the Bedrock endpoint"),
      }),
    ]);
    expect(issuesOf(yaml, { AWS_REGION: "eu-west-1" })).toEqual([]);
  });

  it("refuses one access key without the other, and a malformed role ARN", () => {
    const issues = issuesOf(
      route(
        "amazon-bedrock",
        "meta.llama3-70b-instruct-v1:0",
        "        aws_config:\n          aws_region: us-east-1\n          aws_access_key_id: AKIAEXAMPLEKEY12\n          aws_role_arn: my-role\n",
      ),
    );
    expect(issues.map((issue) => [issue.field, issue.line])).toEqual([
      ["model.config.aws_config.aws_role_arn", 11],
      ["model.config.aws_config.aws_secret_access_key", 9],
    ]);
  });

  it("refuses a chat route on an embedding model and an embeddings route on a chat model", () => {
    expect(
      issuesOf(route("gemini", "gemini-embedding-001", "        gemini_api_key: AIza-test-key\n")),
    ).toEqual([
      expect.objectContaining({
        field: "model.name",
        line: 6,
        message: expect.stringContaining("is an embedding model"),
      }),
    ]);
    const embeddings = route(
      "bedrock",
      "anthropic.claude-3-haiku-20240307-v1:0",
      "        aws_config: { aws_region: us-east-1 }\n",
      "llm/v1/embeddings",
    );
    expect(issuesOf(embeddings)).toEqual([
      expect.objectContaining({
        field: "model.name",
        message: expect.stringContaining("amazon.titan-embed-* or cohere.embed-*"),
      }),
    ]);
  });
});

describe("upstream credential failures", () => {
  let gemini: GeminiMock;
  let bedrock: BedrockMock;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    gemini = await startGeminiMock();
    bedrock = await startBedrockMock();
    const vertex = {
      // A key the token endpoint does not know: signed by another key than the one it verifies with.
      vertex_credentials: testServiceAccountJson(`${gemini.url}/token`).replace(
        /"client_email":"[^"]+"/,
        '"client_email":"someone-else@switchyard-test-project.iam.gserviceaccount.com"',
      ),
      vertex_api_base: gemini.url,
    };
    const denied = {
      aws_config: {
        aws_region: "us-east-1",
        aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
        aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
        aws_role_arn: "arn:aws:iam::123456789012:role/denied",
        aws_sts_endpoint: bedrock.url,
      },
      bedrock_api_base: bedrock.url,
    };
    const wrongSecret = {
      aws_config: {
        aws_region: "us-east-1",
        aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
        aws_secret_access_key: "wrong-secret-key-0123456789",
      },
      bedrock_api_base: bedrock.url,
    };
    const titan = {
      aws_config: {
        aws_region: "us-east-1",
        aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
        aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
      },
      bedrock_api_base: bedrock.url,
    };
    const entry = (name: string, type: string, provider: string, model: string, config: unknown) =>
      `  - name: ${name}\n    type: ${type}\n    model: { provider: ${provider}, name: "${model}", config: ${JSON.stringify(config)} }\n    retries: { max_attempts: 1 }\n`;
    gateway = await startGateway(
      `routes:\n${[
        entry("vertex", "llm/v1/chat", "vertex_ai", "gemini-2.5-flash", vertex),
        entry("denied-role", "llm/v1/chat", "bedrock", "anthropic.claude-3-haiku-20240307-v1:0", denied),
        entry(
          "wrong-secret",
          "llm/v1/chat",
          "bedrock",
          "anthropic.claude-3-haiku-20240307-v1:0",
          wrongSecret,
        ),
        entry("titan", "llm/v1/embeddings", "bedrock", "amazon.titan-embed-text-v2:0", titan),
        entry("claude-on-vertex", "llm/v1/chat", "vertex", "claude-sonnet-4@20250514", {
          ...vertex,
          vertex_credentials: testServiceAccountJson(`${gemini.url}/token`),
        }),
      ].join("")}`,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await gemini?.close();
    await bedrock?.close();
  });

  const chat = { messages: [{ role: "user", content: "Hello" }] };

  it("answers 502 naming Vertex AI and what to check when the token endpoint refuses the service account", async () => {
    const response = await gateway.post("/gateway/vertex/invocations", chat);
    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      detail: expect.stringMatching(
        /^Vertex AI: could not get an access token for service account .*invalid_grant.*Check that the key in vertex_credentials is current/,
      ),
      request_id: expect.any(String),
    });
    expect(response.text).not.toContain("PRIVATE KEY");
    expect(gemini.requests).toEqual([]);
  });

  it("answers 502 naming the role and what to check when STS refuses to assume it", async () => {
    const response = await gateway.post("/gateway/denied-role/invocations", chat);
    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      detail: expect.stringMatching(
        /^Amazon Bedrock: could not assume role arn:aws:iam::123456789012:role\/denied through STS \(AccessDenied: .*\)\. Check that the role exists/,
      ),
      request_id: expect.any(String),
    });
    expect(response.text).not.toContain(BEDROCK_TEST_KEYS.secretAccessKey);
  });

  it("passes Bedrock's 403 for a wrong secret key on, with its message and never the key", async () => {
    const response = await gateway.post("/gateway/wrong-secret/invocations", chat);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      detail: expect.stringContaining("The request signature we calculated does not match"),
      request_id: expect.any(String),
    });
    expect(response.text).not.toContain("wrong-secret-key-0123456789");
  });

  it("embeds a list with Titan one text per call, concurrently, in order, adding up the token counts", async () => {
    bedrock.reset();
    const response = await gateway.post("/gateway/titan/invocations", {
      text: ["one two three", "four", "five six"],
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      embeddings: [
        [13, 3, 0.5, -0.5],
        [4, 1, 0.5, -0.5],
        [8, 2, 0.5, -0.5],
      ],
      metadata: { input_tokens: 6, output_tokens: 0, total_tokens: 6 },
    });
    expect(
      bedrock.requests.map((request) => (request.body as { inputText: string }).inputText).sort(),
    ).toEqual(["five six", "four", "one two three"]);
  });

  it("sends Claude on Vertex to rawPredict with the Messages API body and Vertex's anthropic_version", async () => {
    gemini.reset();
    const response = await gateway.post("/gateway/claude-on-vertex/invocations", chat);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ candidates: [{ message: { content: "Echo: Hello" } }] });
    expect(gemini.requests[0]?.path).toBe(
      "/v1/projects/switchyard-test-project/locations/us-central1/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict",
    );
    expect(gemini.requests[0]?.body).toMatchObject({
      anthropic_version: "vertex-2023-10-16",
      max_tokens: 4096,
    });
    expect(gemini.specViolations).toEqual([]);
  });
});

describe("the AWS default credential chain", () => {
  let bedrock: BedrockMock;
  let gateway: GatewayUnderTest;
  const saved = { ...process.env };

  beforeAll(async () => {
    bedrock = await startBedrockMock();
    // The SDK's chain reads the environment first; this test file runs in its own worker.
    process.env.AWS_ACCESS_KEY_ID = BEDROCK_TEST_KEYS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = BEDROCK_TEST_KEYS.secretAccessKey;
    const config = { aws_config: { aws_region: "us-east-1" }, bedrock_api_base: bedrock.url };
    gateway = await startGateway(
      `routes:\n  - name: chain\n    type: llm/v1/chat\n    model: { provider: bedrock, name: "amazon.nova-lite-v1:0", config: ${JSON.stringify(config)} }\n`,
    );
  });
  afterAll(async () => {
    process.env = saved;
    await gateway?.close();
    await bedrock?.close();
  });

  it("signs with the credentials the chain finds when aws_config names none", async () => {
    const response = await gateway.post("/gateway/chain/invocations", {
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(response.status).toBe(200);
    expect(bedrock.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\//,
    );
  });
});

describe("a route falling back across OpenAI, Anthropic, Gemini and Bedrock", () => {
  const mocks: MockUpstream[] = [];
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    const [openai, anthropic, gemini, bedrock] = await Promise.all([
      startOpenAIMock(),
      startAnthropicMock(),
      startGeminiMock(),
      startBedrockMock(),
    ]);
    mocks.push(openai, anthropic, gemini, bedrock);
    const keys = {
      aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
      aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
    };
    gateway = await startGateway(`routes:
  - name: everywhere
    type: llm/v1/chat
    retries: { max_attempts: 1 }
    targets:
      - { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-test, openai_api_base: "${openai.url}/v1" } }
      - { provider: anthropic, name: claude-3-5-haiku-latest, config: { anthropic_api_key: sk-ant-test, anthropic_api_base: "${anthropic.url}/v1" } }
      - { provider: gemini, name: gemini-2.5-flash, config: { gemini_api_key: AIzaSyTest-gemini-0123456789abcdef, gemini_api_base: "${gemini.url}/v1beta" } }
      - { provider: bedrock, name: "amazon.nova-pro-v1:0", config: { aws_config: ${JSON.stringify({ aws_region: "us-east-1", ...keys })}, bedrock_api_base: "${bedrock.url}" } }
`);
  });
  afterAll(async () => {
    await gateway?.close();
    for (const mock of mocks) await mock.close();
  });

  const overloaded = [
    { kind: "json" as const, status: 503, body: openAIError("Overloaded", "server_error") },
    { kind: "json" as const, status: 529, body: anthropicError("overloaded_error", "Overloaded") },
    { kind: "json" as const, status: 503, body: googleError(503, "The model is overloaded.", "UNAVAILABLE") },
  ];

  for (const stream of [false, true]) {
    it(`reaches Bedrock after OpenAI, Anthropic and Gemini fail${stream ? ", streaming" : ""}`, async () => {
      mocks.forEach((mock, index) => {
        mock.reset();
        const failure = overloaded[index];
        if (failure !== undefined) mock.enqueue(failure);
      });
      const response = await gateway.post("/v1/chat/completions", {
        model: "everywhere",
        messages: [{ role: "user", content: "Who answers?" }],
        stream,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-switchyard-target")).toBe("bedrock/amazon.nova-pro-v1:0");
      expect(response.headers.get("x-switchyard-attempts")).toBe("4");
      expect(response.text).toContain(stream ? '"content":" answers?"' : '"content":"Echo: Who answers?"');
      expect(mocks.map((mock) => mock.requests.length)).toEqual([1, 1, 1, 1]);
    });
  }
});
