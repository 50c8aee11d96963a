import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BEDROCK_TEST_KEYS, type BedrockMock, startBedrockMock } from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * Bedrock Converse has structured output with a schema (outputConfig.textFormat) and no JSON mode without one:
 * `json_object` is refused in each API's error format, naming the field, before anything reaches Bedrock, and a
 * schema goes through.
 */

let bedrock: BedrockMock;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  bedrock = await startBedrockMock();
  const config = {
    aws_config: {
      aws_region: "us-east-1",
      aws_access_key_id: BEDROCK_TEST_KEYS.accessKeyId,
      aws_secret_access_key: BEDROCK_TEST_KEYS.secretAccessKey,
    },
    bedrock_api_base: bedrock.url,
  };
  gateway = await startGateway(
    `routes:\n  - name: nova\n    type: llm/v1/chat\n    model: { provider: bedrock, name: "amazon.nova-pro-v1:0", config: ${JSON.stringify(config)} }\n`,
  );
});
afterAll(async () => {
  await gateway?.close();
  await bedrock?.close();
});

const messages = [{ role: "user", content: "Give me JSON" }];

describe("response_format on a Bedrock route", () => {
  it("refuses json_object on the OpenAI API with a 400 naming response_format.type", async () => {
    bedrock.reset();
    for (const stream of [false, true]) {
      const response = await gateway.post("/v1/chat/completions", {
        model: "nova",
        messages,
        stream,
        response_format: { type: "json_object" },
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: {
          message: expect.stringContaining("response_format.type 'json_object' is not supported"),
          type: "invalid_request_error",
          param: "response_format.type",
          code: "parameter_unsupported",
        },
        request_id: expect.any(String),
      });
    }
    expect(bedrock.requests).toEqual([]);
  });

  it("refuses json_object on MLflow's deployments API with its 422, naming the field", async () => {
    bedrock.reset();
    const response = await gateway.post("/endpoints/nova/invocations", {
      messages,
      response_format: { type: "json_object" },
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      detail: expect.stringContaining("response_format.type 'json_object' is not supported"),
      request_id: expect.any(String),
    });
    expect(bedrock.requests).toEqual([]);
  });

  it("sends a json_schema response format as outputConfig.textFormat", async () => {
    bedrock.reset();
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    const response = await gateway.post("/v1/chat/completions", {
      model: "nova",
      messages,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema } },
    });
    expect(response.status).toBe(200);
    expect((bedrock.requests[0]?.body as Record<string, unknown> | undefined)?.outputConfig).toEqual({
      textFormat: {
        type: "json_schema",
        structure: { jsonSchema: { schema: JSON.stringify(schema), name: "answer" } },
      },
    });
    expect(bedrock.specViolations).toEqual([]);
  });
});
