import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BEDROCK_TEST_KEYS,
  type BedrockMock,
  bedrockError,
  type GeminiMock,
  googleError,
  startBedrockMock,
  startGeminiMock,
  testServiceAccountJson,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * The credentials of the Google and AWS providers never leave the gateway, whether configured (AWS keys and
 * session tokens, a service-account key and its private key on its own) or obtained at run time (an assumed
 * role's session credentials, Vertex AI access tokens): an upstream that echoes one gets it redacted, in the
 * response and in the log.
 */

const SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-0123456789";
let gemini: GeminiMock;
let bedrock: BedrockMock;
let gateway: GatewayUnderTest;
const serviceAccount = () =>
  JSON.parse(testServiceAccountJson(`${gemini.url}/token`)) as { private_key: string };

beforeAll(async () => {
  gemini = await startGeminiMock();
  bedrock = await startBedrockMock();
  const keys = {
    aws_region: "us-east-1",
    aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
    aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
  };
  const entry = (name: string, provider: string, model: string, config: unknown) =>
    `  - name: ${name}\n    type: llm/v1/chat\n    model: { provider: ${provider}, name: "${model}", config: ${JSON.stringify(config)} }\n    retries: { max_attempts: 1 }\n`;
  gateway = await startGateway(
    `routes:\n${[
      entry("keys", "bedrock", "amazon.nova-pro-v1:0", {
        aws_config: { ...keys, aws_session_token: "$SESSION" },
        bedrock_api_base: bedrock.url,
      }),
      entry("role", "bedrock", "amazon.nova-pro-v1:0", {
        aws_config: {
          ...keys,
          aws_role_arn: "arn:aws:iam::123456789012:role/gateway",
          aws_sts_endpoint: bedrock.url,
        },
        bedrock_api_base: bedrock.url,
      }),
      entry("vertex", "vertex_ai", "gemini-2.5-flash", {
        vertex_credentials: "$VERTEX_KEY",
        vertex_api_base: gemini.url,
      }),
    ].join("")}`,
    { SESSION: SESSION_TOKEN, VERTEX_KEY: testServiceAccountJson(`${gemini.url}/token`) },
  );
});
afterAll(async () => {
  await gateway?.close();
  await gemini?.close();
  await bedrock?.close();
});

const query = { messages: [{ role: "user", content: "hi" }] };

async function echoed(route: string, mock: BedrockMock | GeminiMock, secrets: string[]): Promise<string> {
  const message = `denied: ${secrets.join(" / ")}`;
  mock.enqueue({
    kind: "json",
    status: 400,
    body: mock === bedrock ? bedrockError(message) : googleError(400, message, "INVALID_ARGUMENT"),
  });
  const response = await gateway.post(`/v1/chat/completions`, { model: route, ...query });
  expect(response.status).toBe(400);
  return `${response.text}\n${[...response.headers.entries()].join("\n")}`;
}

describe("Google and AWS credentials never leave the gateway", () => {
  it("redacts a configured AWS secret key and session token an upstream echoes", async () => {
    const text = await echoed("keys", bedrock, [BEDROCK_TEST_KEYS.secretAccessKey, SESSION_TOKEN]);
    expect(text).toContain("denied: [REDACTED] / [REDACTED]");
  });

  it("redacts the session credentials STS issued for an assumed role", async () => {
    bedrock.reset();
    expect((await gateway.post("/v1/chat/completions", { model: "role", ...query })).status).toBe(200);
    const issued = bedrock.issuedRoleCredentials.at(-1);
    expect(issued).toBeDefined();
    const text = await echoed("role", bedrock, [
      issued?.secretAccessKey ?? "missing",
      issued?.sessionToken ?? "missing",
    ]);
    expect(text).toContain("denied: [REDACTED] / [REDACTED]");
  });

  it("redacts a Vertex AI access token and the service account's private key on its own", async () => {
    expect((await gateway.post("/v1/chat/completions", { model: "vertex", ...query })).status).toBe(200);
    const token = gemini.issuedTokens.at(-1) ?? "missing";
    const text = await echoed("vertex", gemini, [token, serviceAccount().private_key]);
    expect(text).toContain("denied: [REDACTED] / [REDACTED]");
    expect(text).not.toContain("PRIVATE KEY");
  });

  it("wrote none of them in a log line", () => {
    const logs = gateway.logs();
    expect(logs).not.toContain(BEDROCK_TEST_KEYS.secretAccessKey);
    expect(logs).not.toContain(SESSION_TOKEN);
    expect(logs).not.toContain("PRIVATE KEY");
    for (const issued of bedrock.issuedRoleCredentials) expect(logs).not.toContain(issued.sessionToken);
    for (const token of gemini.issuedTokens) expect(logs).not.toContain(token);
  });
});
