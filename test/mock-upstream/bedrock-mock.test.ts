import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BEDROCK_TEST_KEYS, type BedrockMock, startBedrockMock } from "./bedrock-mock.js";
import { expectNoSpecViolations } from "./expect-no-spec-violations.js";

/**
 * The Bedrock mock, checked with AWS's own SDK: if the official client can sign requests the mock accepts and
 * read the mock's event-stream answers, the mock speaks Bedrock's signing and framing exactly.
 */

let mock: BedrockMock;
const MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";

function client(secretAccessKey = BEDROCK_TEST_KEYS.secretAccessKey): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: mock.url,
    region: "us-east-1",
    credentials: { accessKeyId: BEDROCK_TEST_KEYS.accessKeyId, secretAccessKey },
    maxAttempts: 1,
    // The SDK defaults to HTTP/2 for this client (bidirectional streams); Bedrock serves HTTP/1.1 too.
    requestHandler: new NodeHttpHandler(),
  });
}

beforeAll(async () => {
  mock = await startBedrockMock();
});
afterAll(async () => {
  await mock?.close();
});
beforeEach(() => mock.reset());

describe("the Bedrock mock, called by the AWS SDK", () => {
  it("accepts the SDK's SigV4 signature on Converse (model id with ':' double-encoded) and echoes", async () => {
    const answer = await client().send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "Hello mock" }] }],
      }),
    );
    expect(answer.output?.message?.content).toEqual([{ text: "Echo: Hello mock" }]);
    expect(answer.stopReason).toBe("end_turn");
    expect(answer.usage).toEqual({ inputTokens: 2, outputTokens: 3, totalTokens: 5 });
    expect(mock.requests[0]?.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expectNoSpecViolations(mock);
  });

  it("streams ConverseStream events the SDK's event-stream decoder reads, checksums included", async () => {
    const answer = await client().send(
      new ConverseStreamCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "Stream it please" }] }],
      }),
    );
    const types: string[] = [];
    let text = "";
    for await (const event of answer.stream ?? []) {
      types.push(Object.keys(event).filter((key) => key !== "$unknown")[0] ?? "?");
      text += event.contentBlockDelta?.delta?.text ?? "";
    }
    expect(text).toBe("Echo: Stream it please");
    expect(types[0]).toBe("messageStart");
    expect(types.slice(-2)).toEqual(["messageStop", "metadata"]);
  });

  it("answers InvokeModel for a Titan embedding model with the token count header", async () => {
    const answer = await client().send(
      new InvokeModelCommand({
        modelId: "amazon.titan-embed-text-v2:0",
        contentType: "application/json",
        body: JSON.stringify({ inputText: "two words" }),
      }),
    );
    expect(JSON.parse(new TextDecoder().decode(answer.body))).toEqual({
      embedding: [9, 2, 0.5, -0.5],
      inputTextTokenCount: 2,
    });
  });

  it("refuses a request signed with the wrong secret key with 403 InvalidSignatureException", async () => {
    const failure = await client("not-the-secret")
      .send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 403 } });
  });

  it("refuses a body the service model does not allow with 400 ValidationException, and records the violation", async () => {
    const response = await fetch(`${mock.url}/model/${encodeURIComponent(MODEL)}/converse`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer wrong" },
      body: JSON.stringify({ messages: [], temperature: 1 }),
    });
    expect(response.status).toBe(403);
    expect(mock.specViolations[0]?.errors).toEqual([expect.stringContaining("unknown member 'temperature'")]);
  });
});
