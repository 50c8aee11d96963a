import { randomBytes } from "node:crypto";
import { jwtVerify } from "jose";
import { createSpecValidator } from "../spec-validator.js";
import { anthropicMessage, anthropicStreamFrames } from "./anthropic-bodies.js";
import { echoChat, lastUserText, messageTexts, textOf } from "./echo-rules.js";
import {
  batchEmbedResponse,
  geminiStreamFrames,
  generateContentResponse,
  googleError,
  vertexPredictResponse,
} from "./gemini-bodies.js";
import {
  batchEmbedRequestSchema,
  generateContentRequestSchema,
  vertexPredictRequestSchema,
  zodProblems,
} from "./gemini-request-schema.js";
import { TEST_SERVICE_ACCOUNT_EMAIL, testServiceAccountPublicKey } from "./google-service-account.js";
import { arrayOf, isRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * The Gemini API (https://ai.google.dev/api) and Vertex AI (publishers google and anthropic), with Vertex's
 * OAuth2 token endpoint, on one loopback server:
 * - `/v1beta/models/{model}:generateContent | :streamGenerateContent?alt=sse | :batchEmbedContents`, with an
 *   `x-goog-api-key` that must be GEMINI_TEST_KEY;
 * - `/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent | :streamGenerateContent | :predict`
 *   and `.../publishers/anthropic/models/{m}:rawPredict | :streamRawPredict`, with a bearer token this server issued;
 * - `POST /token`: the JWT bearer grant; the assertion must be signed by the test service account's key for this
 *   token URI.
 * Streams are SSE with CRLF and no end marker; errors are Google's envelope.
 */

export const GEMINI_TEST_KEY = "AIzaSyTest-gemini-0123456789abcdef";

export interface GeminiMock extends MockUpstream {
  /** Access tokens issued by the token endpoint, in order. */
  issuedTokens: string[];
}

const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;
const VERTEX_PATH =
  /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):(generateContent|streamGenerateContent|predict|rawPredict|streamRawPredict)$/;

interface Target {
  api: "gemini" | "vertex";
  publisher: "google" | "anthropic";
  model: string;
  method: string;
}

function targetOf(request: RecordedRequest): Target | undefined {
  if (request.method !== "POST") return undefined;
  const gemini = GEMINI_PATH.exec(request.path);
  if (gemini !== null)
    return { api: "gemini", publisher: "google", model: gemini[1] as string, method: gemini[2] as string };
  const vertex = VERTEX_PATH.exec(request.path);
  if (vertex === null) return undefined;
  return {
    api: "vertex",
    publisher: vertex[3] as "google" | "anthropic",
    model: vertex[4] as string,
    method: vertex[5] as string,
  };
}

function validate(request: RecordedRequest): string[] {
  const target = targetOf(request);
  if (target === undefined) return [];
  if (target.method === "batchEmbedContents") return zodProblems(batchEmbedRequestSchema, request.body);
  if (target.method === "predict") return zodProblems(vertexPredictRequestSchema, request.body);
  if (target.publisher === "anthropic") {
    const body = isRecord(request.body) ? request.body : {};
    const { anthropic_version: version, ...rest } = body;
    const problems = version === "vertex-2023-10-16" ? [] : ["anthropic_version must be vertex-2023-10-16"];
    if ("model" in rest) problems.push("model must not be in the body: the URL names it");
    return [
      ...problems,
      ...createSpecValidator("anthropic").validate("CreateMessageParams", { ...rest, model: target.model }),
    ];
  }
  const problems = [
    ...zodProblems(generateContentRequestSchema, request.body),
    ...thinkingProblems(target, request.body),
  ];
  if (target.method === "streamGenerateContent" && request.query.alt !== "sse") {
    problems.push("streamGenerateContent without alt=sse answers a JSON array, not SSE");
  }
  return problems;
}

/**
 * The mock's thought signatures: base64 of `<api>-mock-sig-<sequence>`, so it can tell its own from another
 * service's (the Gemini API and Vertex AI each check only theirs) and from anything made up.
 */
export function geminiThoughtSignature(api: "gemini" | "vertex", sequence: number): string {
  return Buffer.from(`${api}-mock-sig-${sequence}`).toString("base64");
}

/** The documented stand-in for a call another model made (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs). */
const SKIP_SIGNATURE = "skip_thought_signature_validator";

function isGemini3(model: string): boolean {
  return /gemini-([3-9]|\d\d)/.test(model);
}

/**
 * Thinking as Gemini checks it (https://ai.google.dev/gemini-api/docs/thinking): a level or a budget, never
 * both; levels only on Gemini 3, budgets within the 2.5 models' range; every thought signature one this service
 * issued (Gemini 3 also takes the documented stand-in); on Gemini 3, every function call of the conversation
 * with its signature (https://ai.google.dev/gemini-api/docs/thought-signatures: a 400 otherwise).
 */
function thinkingProblems(target: Target, body: unknown): string[] {
  if (!isRecord(body)) return [];
  const problems: string[] = [];
  const config = isRecord(body.generationConfig) ? body.generationConfig.thinkingConfig : undefined;
  if (isRecord(config)) {
    if (config.thinkingLevel !== undefined && config.thinkingBudget !== undefined)
      problems.push("thinkingConfig: thinking_level and thinking_budget cannot both be set");
    if (config.thinkingLevel !== undefined && !isGemini3(target.model))
      problems.push(`thinkingConfig.thinkingLevel is not supported by ${target.model}`);
    const budget = config.thinkingBudget;
    const max = /pro/.test(target.model) ? 32768 : 24576;
    if (typeof budget === "number" && budget !== -1 && (budget < 0 || budget > max))
      problems.push(`thinkingConfig.thinkingBudget must be -1 or within 0..${max}`);
  }
  arrayOf(body.contents).forEach((content, at) => {
    if (!isRecord(content)) return;
    arrayOf(content.parts).forEach((part, index) => {
      if (!isRecord(part)) return;
      const where = `contents[${at}].parts[${index}]`;
      const signature = part.thoughtSignature;
      if (signature !== undefined && !isOwnSignature(target, signature))
        problems.push(`${where}.thoughtSignature: Thought signature is not valid`);
      if (
        content.role === "model" &&
        isRecord(part.functionCall) &&
        isGemini3(target.model) &&
        signature === undefined
      )
        problems.push(`${where}: Function call is missing a thought_signature in functionCall parts`);
    });
  });
  return problems;
}

function isOwnSignature(target: Target, signature: unknown): boolean {
  if (typeof signature !== "string") return false;
  if (signature === SKIP_SIGNATURE) return isGemini3(target.model);
  return new RegExp(`^${target.api}-mock-sig-\\d+$`).test(Buffer.from(signature, "base64").toString("utf8"));
}

function json(status: number, body: unknown): ScriptedResponse {
  return { kind: "json", status, body };
}

function answer(request: RecordedRequest, target: Target, sequence: number): ScriptedResponse {
  const body = isRecord(request.body) ? request.body : {};
  if (target.method === "batchEmbedContents") {
    return json(
      200,
      batchEmbedResponse(
        arrayOf(body.requests).map((item) =>
          isRecord(item) && isRecord(item.content) ? partsText(item.content.parts) : "",
        ),
      ),
    );
  }
  if (target.method === "predict") {
    return json(
      200,
      vertexPredictResponse(
        arrayOf(body.instances).map((item) => (isRecord(item) ? String(item.content) : "")),
      ),
    );
  }
  if (target.publisher === "anthropic") {
    const messages = arrayOf(body.messages);
    const firstTool = arrayOf(body.tools)[0];
    const reply = echoChat({
      id: `msg_vrtx_mock_${sequence}`,
      toolCallId: `toolu_vrtx_mock_${sequence}`,
      model: target.model,
      texts: [textOf(body.system), ...messageTexts(messages)],
      lastUserText: lastUserText(messages),
      firstToolName: isRecord(firstTool) && typeof firstTool.name === "string" ? firstTool.name : undefined,
    });
    if (target.method === "streamRawPredict") return { kind: "stream", frames: anthropicStreamFrames(reply) };
    return json(200, anthropicMessage(reply));
  }
  const contents = arrayOf(body.contents);
  const asMessages = contents.map((item) =>
    isRecord(item)
      ? { role: item.role === "model" ? "assistant" : "user", content: partsText(item.parts) }
      : {},
  );
  const tools = arrayOf(body.tools)[0];
  const declarations = isRecord(tools) ? arrayOf(tools.functionDeclarations) : [];
  const firstTool = declarations[0];
  const system = isRecord(body.systemInstruction) ? partsText(body.systemInstruction.parts) : "";
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  // A thinking model thinks when asked, and signs its answer; thoughts come back when includeThoughts says so.
  const thinking = isRecord(config.thinkingConfig) && config.thinkingConfig.includeThoughts === true;
  const reply = echoChat({
    id: `gemini-mock-${sequence}`,
    toolCallId: "",
    model: target.model,
    texts: [system, ...messageTexts(asMessages)],
    lastUserText: lastUserText(asMessages),
    firstToolName: isRecord(firstTool) && typeof firstTool.name === "string" ? firstTool.name : undefined,
    reasoning: thinking,
  });
  const signature = thinking ? geminiThoughtSignature(target.api, sequence) : undefined;
  const candidates = typeof config.candidateCount === "number" ? config.candidateCount : 1;
  if (target.method === "streamGenerateContent")
    return { kind: "stream", frames: geminiStreamFrames(reply, candidates, signature) };
  return json(200, generateContentResponse(reply, candidates, signature));
}

/** The text of a content's parts (function calls and responses have none; earlier thoughts are not counted). */
function partsText(parts: unknown): string {
  return arrayOf(parts)
    .map((part) =>
      isRecord(part) && typeof part.text === "string" && part.thought !== true ? part.text : "",
    )
    .filter((text) => text !== "")
    .join(" ");
}

/**
 * Starts the Gemini + Vertex AI + token endpoint mock on 127.0.0.1, on an ephemeral port. Vertex AI calls need
 * a token its own endpoint issued, or one of `otherIssuedTokens()` (another issuer's, e.g. the metadata server's).
 */
export async function startGeminiMock(
  otherIssuedTokens: () => readonly string[] = () => [],
): Promise<GeminiMock> {
  const issued: string[] = [];
  let tokenUri = "";
  const tokenChecks = new WeakMap<RecordedRequest, Promise<string | undefined>>();
  const mock = await startMockUpstream({
    isSideRequest: (_method, path) => path === "/token",
    validate: (request) => {
      if (request.path === "/token") tokenChecks.set(request, checkAssertion(request, tokenUri));
      return validate(request);
    },
    respond: async (request, violations, sequence) => {
      if (request.path === "/token" && request.method === "POST") {
        const problem = await tokenChecks.get(request);
        if (problem !== undefined) return json(400, { error: "invalid_grant", error_description: problem });
        const token = `ya29.mock-${sequence}-${randomBytes(8).toString("hex")}`;
        issued.push(token);
        return json(200, { access_token: token, expires_in: 3599, token_type: "Bearer" });
      }
      const target = targetOf(request);
      if (target === undefined)
        return json(404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
      if (target.api === "gemini" && request.headers["x-goog-api-key"] !== GEMINI_TEST_KEY) {
        return json(
          400,
          googleError(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"),
        );
      }
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (
        target.api === "vertex" &&
        (bearer === undefined || !(issued.includes(bearer) || otherIssuedTokens().includes(bearer)))
      ) {
        return json(
          401,
          googleError(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            "UNAUTHENTICATED",
          ),
        );
      }
      if (violations.length > 0) {
        return json(
          400,
          googleError(400, `Invalid JSON payload received. ${violations.join("; ")}`, "INVALID_ARGUMENT"),
        );
      }
      return answer(request, target, sequence);
    },
  });
  tokenUri = `${mock.url}/token`;
  return Object.assign(mock, { issuedTokens: issued });
}

/** Checks a JWT bearer grant: its signature by the test service account, issuer, audience and scope. */
async function checkAssertion(request: RecordedRequest, tokenUri: string): Promise<string | undefined> {
  const form = new URLSearchParams(request.rawBody);
  if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return "Invalid grant_type.";
  try {
    const { payload } = await jwtVerify(form.get("assertion") ?? "", testServiceAccountPublicKey(), {
      algorithms: ["RS256"],
      issuer: TEST_SERVICE_ACCOUNT_EMAIL,
      audience: tokenUri,
    });
    if (payload.scope !== "https://www.googleapis.com/auth/cloud-platform") return "Invalid scope.";
    return undefined;
  } catch {
    return "Invalid JWT Signature.";
  }
}
