import { validateBedrockShape } from "../bedrock-shape-validator.js";
import { type AwsTestCredentials, checkSigV4 } from "./aws-sigv4-check.js";
import {
  bedrockError,
  bedrockErrorHeaders,
  cohereOnBedrockEmbedResponse,
  converseResponse,
  converseStreamFrames,
  titanEmbedResponse,
} from "./bedrock-bodies.js";
import { countWords, echoChat, lastUserText, messageTexts, textOf } from "./echo-rules.js";
import { arrayOf, isRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";
import { assumeRoleResponse, isAssumeRole, stsError } from "./sts-answers.js";

/**
 * Amazon Bedrock Runtime (https://docs.aws.amazon.com/bedrock/latest/APIReference/) and, for roles, STS
 * AssumeRole, on one loopback server. Every call must be signed with SigV4 by known credentials (checked by
 * signing the request again with the AWS SDK's signer) or carry a known Bedrock API key; bodies are checked
 * against the official service model. Converse answers JSON, ConverseStream an AWS event-stream, InvokeModel
 * Titan or Cohere embedding bodies (with the token count header InvokeModel sends).
 */

export const BEDROCK_TEST_KEYS: AwsTestCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
export const BEDROCK_TEST_API_KEY = "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleQ==";

export interface BedrockMock extends MockUpstream {
  /** The credentials STS has issued for assumed roles (their secrets and tokens verify later calls). */
  issuedRoleCredentials: AwsTestCredentials[];
}

const MODEL_PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

function route(request: RecordedRequest): { model: string; operation: string } | undefined {
  const match = MODEL_PATH.exec(request.path);
  if (request.method !== "POST" || match === null) return undefined;
  return { model: decodeURIComponent(match[1] as string), operation: match[2] as string };
}

function validate(request: RecordedRequest): string[] {
  const target = route(request);
  if (target === undefined) return [];
  if (target.operation === "converse")
    return [...validateBedrockShape("ConverseRequest", request.body), ...thinkingProblems(request.body)];
  if (target.operation === "converse-stream")
    return [
      ...validateBedrockShape("ConverseStreamRequest", request.body),
      ...thinkingProblems(request.body),
    ];
  return validateInvokeBody(target.model, request.body);
}

/** The mock's reasoning signatures: `sig_bedrock_mock_<sequence>`. */
const OWN_SIGNATURE = /^sig_bedrock_mock_\d+$/;

/** Claude's thinking request on Bedrock, from `additionalModelRequestFields`; undefined when there is none. */
function thinkingOf(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body) || !isRecord(body.additionalModelRequestFields)) return undefined;
  const thinking = body.additionalModelRequestFields.thinking;
  return isRecord(thinking) && thinking.type === "enabled" ? thinking : undefined;
}

/**
 * Claude's extended thinking as Bedrock checks it
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html): a budget of at
 * least 1024 tokens below `maxTokens`; reasoning blocks in the history signed by Bedrock (its signatures only)
 * and first in their turn; with thinking on, the last assistant turn, when it calls a tool, starts with its
 * reasoning (Claude refuses "Expected thinking or redacted_thinking, but found tool_use").
 */
function thinkingProblems(body: unknown): string[] {
  if (!isRecord(body)) return [];
  const problems: string[] = [];
  const thinking = thinkingOf(body);
  if (thinking !== undefined) {
    const budget = thinking.budget_tokens;
    const maxTokens = isRecord(body.inferenceConfig) ? body.inferenceConfig.maxTokens : undefined;
    if (typeof budget !== "number" || budget < 1024)
      problems.push("thinking.budget_tokens: must be at least 1024");
    else if (typeof maxTokens !== "number" || budget >= maxTokens)
      problems.push("thinking.budget_tokens: must be less than inferenceConfig.maxTokens");
  }
  const messages = arrayOf(body.messages);
  messages.forEach((message, at) => {
    if (!isRecord(message)) return;
    const content = arrayOf(message.content);
    content.forEach((block, index) => {
      if (!isRecord(block) || !isRecord(block.reasoningContent)) return;
      const where = `messages.${at}.content.${index}.reasoningContent`;
      if (message.role !== "assistant") problems.push(`${where}: reasoning only in assistant turns`);
      if (index > 0 && !isRecord((content[index - 1] as Record<string, unknown>).reasoningContent))
        problems.push(`${where}: reasoning blocks must come first in their turn`);
      const text = block.reasoningContent.reasoningText;
      if (isRecord(text) && (typeof text.signature !== "string" || !OWN_SIGNATURE.test(text.signature)))
        problems.push(`${where}.reasoningText.signature: Invalid signature in thinking block`);
    });
  });
  const lastAssistant = messages
    .filter((message) => isRecord(message) && message.role === "assistant")
    .at(-1);
  if (thinking !== undefined && isRecord(lastAssistant)) {
    const content = arrayOf(lastAssistant.content);
    const first = content[0];
    if (
      content.some((block) => isRecord(block) && isRecord(block.toolUse)) &&
      !(isRecord(first) && isRecord(first.reasoningContent))
    )
      problems.push("Expected thinking or redacted_thinking, but found tool_use");
  }
  return problems;
}

/** Model-native InvokeModel bodies of the embedding models (the service model types them as opaque blobs). */
function validateInvokeBody(model: string, body: unknown): string[] {
  if (!isRecord(body)) return ["InvokeModel body must be a JSON object"];
  const allowed = model.includes("titan-embed")
    ? { required: ["inputText"], optional: ["dimensions", "normalize", "embeddingTypes"] }
    : {
        required: ["texts", "input_type"],
        optional: ["truncate", "embedding_types", "output_dimension", "images"],
      };
  const problems = allowed.required.filter((key) => body[key] === undefined).map((key) => `missing '${key}'`);
  for (const key of Object.keys(body)) {
    if (![...allowed.required, ...allowed.optional].includes(key)) problems.push(`unknown field '${key}'`);
  }
  if (Array.isArray(body.texts) && body.texts.length > 96) problems.push("texts: at most 96");
  return problems;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): ScriptedResponse {
  return { kind: "json", status, body, headers: { "x-amzn-requestid": "req-mock", ...headers } };
}

function error(status: number, exception: string, message: string): ScriptedResponse {
  return json(status, bedrockError(message), bedrockErrorHeaders(exception));
}

function answer(
  request: RecordedRequest,
  model: string,
  operation: string,
  sequence: number,
): ScriptedResponse {
  const body = isRecord(request.body) ? request.body : {};
  if (operation === "invoke") {
    if (model.includes("titan-embed")) {
      const text = typeof body.inputText === "string" ? body.inputText : "";
      return json(200, titanEmbedResponse(text), {
        "x-amzn-bedrock-input-token-count": String(countWords(text)),
      });
    }
    const texts = arrayOf(body.texts).map((text) => String(text));
    const tokens = texts.reduce((sum, text) => sum + countWords(text), 0);
    return json(200, cohereOnBedrockEmbedResponse(texts, `embed-mock-${sequence}`), {
      "x-amzn-bedrock-input-token-count": String(tokens),
    });
  }
  const messages = arrayOf(body.messages);
  const tools = isRecord(body.toolConfig) ? arrayOf(body.toolConfig.tools) : [];
  const firstSpec = isRecord(tools[0]) && isRecord(tools[0].toolSpec) ? tools[0].toolSpec : undefined;
  const reply = echoChat({
    id: `bedrock-mock-${sequence}`,
    toolCallId: `tooluse_mock_${sequence}`,
    model,
    texts: [textOf(body.system), ...messageTexts(messages)],
    lastUserText: lastUserText(messages),
    firstToolName: typeof firstSpec?.name === "string" ? firstSpec.name : undefined,
    reasoning: thinkingOf(body) !== undefined,
  });
  const signature = `sig_bedrock_mock_${sequence}`;
  if (operation === "converse-stream") {
    return {
      kind: "stream",
      contentType: "application/vnd.amazon.eventstream",
      frames: converseStreamFrames(reply, signature),
      headers: { "x-amzn-requestid": "req-mock" },
    };
  }
  return json(200, converseResponse(reply, signature));
}

/** Starts the Bedrock Runtime + STS mock on 127.0.0.1, on an ephemeral port. */
export async function startBedrockMock(): Promise<BedrockMock> {
  const issued: AwsTestCredentials[] = [];
  const credentialsOf = (id: string) =>
    id === BEDROCK_TEST_KEYS.accessKeyId
      ? BEDROCK_TEST_KEYS
      : issued.find((entry) => entry.accessKeyId === id);
  // The signature check is asynchronous while a behaviour's answer is not: it runs first, in `validate`.
  const authProblems = new WeakMap<RecordedRequest, Promise<string | undefined>>();
  const mock = await startMockUpstream({
    // STS is called on `/`, Bedrock on `/model/...`.
    isSideRequest: (_method, path) => path === "/",
    validate: (request) => {
      const service = isAssumeRole(request) ? "sts" : "bedrock";
      const bearer = request.headers.authorization?.startsWith("Bearer ") === true;
      authProblems.set(
        request,
        bearer
          ? Promise.resolve(
              request.headers.authorization === `Bearer ${BEDROCK_TEST_API_KEY}`
                ? undefined
                : "Invalid API key.",
            )
          : checkSigV4(request, service, credentialsOf),
      );
      return isAssumeRole(request) ? [] : validate(request);
    },
    respond: async (request, violations, sequence) => {
      const authProblem = await authProblems.get(request);
      if (isAssumeRole(request)) {
        if (authProblem !== undefined) return stsError(403, "SignatureDoesNotMatch", authProblem);
        const roleArn = new URLSearchParams(request.rawBody).get("RoleArn") ?? "";
        // A role whose name says so refuses to be assumed, as a role whose trust policy leaves the caller out.
        if (roleArn.endsWith("/denied")) {
          return stsError(
            403,
            "AccessDenied",
            `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          );
        }
        // Numbered across resets, so that every issued key id stays unique.
        const credentials = assumeRoleResponse(request, issued.length + 1);
        issued.push(credentials.issued);
        return credentials.response;
      }
      const target = route(request);
      if (target === undefined) return error(404, "UnknownOperationException", "Unknown operation.");
      if (authProblem !== undefined) {
        const exception = authProblem.startsWith("The request signature")
          ? "InvalidSignatureException"
          : "UnrecognizedClientException";
        return error(403, exception, authProblem);
      }
      if (violations.length > 0) return error(400, "ValidationException", violations.join("; "));
      return answer(request, target.model, target.operation, sequence);
    },
  });
  return Object.assign(mock, { issuedRoleCredentials: issued });
}
