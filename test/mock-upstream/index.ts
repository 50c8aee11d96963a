/** The loopback provider mocks: start one per test file, point a route at `mock.url`, assert on
 * `mock.requests`, and call expectNoSpecViolations(mock). See echo-rules.ts for what they answer. */
export * from "./anthropic-bodies.js";
export { startAnthropicMock } from "./anthropic-mock.js";
export * from "./bedrock-bodies.js";
export {
  BEDROCK_TEST_API_KEY,
  BEDROCK_TEST_KEYS,
  type BedrockMock,
  startBedrockMock,
} from "./bedrock-mock.js";
export * from "./cohere-bodies.js";
export { startCohereMock } from "./cohere-mock.js";
export {
  type CompatibleMockProfile,
  compatibleCompletionFrames,
  compatibleFrame,
  compatibleStreamFrames,
  startCompatibleMock,
} from "./compatible-mock.js";
export * from "./echo-rules.js";
export { expectNoSpecViolations } from "./expect-no-spec-violations.js";
export * from "./gemini-bodies.js";
export {
  GEMINI_TEST_KEY,
  type GeminiMock,
  geminiThoughtSignature,
  startGeminiMock,
} from "./gemini-mock.js";
export { type GoogleMetadataMock, startGoogleMetadataMock } from "./google-metadata-mock.js";
export * from "./google-service-account.js";
export { startMlflowServingMock } from "./mlflow-serving-mock.js";
export type { MockUpstream, RecordedRequest, RequestOutcome, SpecViolation } from "./mock-upstream.js";
export * from "./openai-bodies.js";
export { startOpenAIMock } from "./openai-mock.js";
export * from "./openai-responses-bodies.js";
export { delayed, type ScriptedResponse, type ScriptedStream } from "./scripted-response.js";
export { type ReceivedResponse, sendRequest } from "./send-request.js";
export { type ParsedSseMessage, parseSseText, sseFrame } from "./sse-frame.js";
