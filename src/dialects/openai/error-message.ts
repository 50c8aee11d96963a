import { isRecord, type JsonRecord, optionalString } from "../narrow.js";

/** What an OpenAI-compatible upstream's error body says, in OpenAI's vocabulary; any part may be missing. */
export interface UpstreamErrorBody {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/**
 * Reads every error envelope OpenAI-compatible servers are known to send, so that no provider has to declare
 * its own (unknown fields are ignored):
 * - OpenAI `{"error": {"message", "type", "param", "code"}}`, also Groq, DeepSeek, Together, Fireworks, vLLM
 *   (whose `code` is the HTTP status as a number) and OpenRouter (`code` a number, plus `metadata`);
 * - Mistral `{"object": "error", "message", "type", "param", "code"}`, where a 422's `message` is FastAPI's
 *   `{"detail": [{"loc", "msg", "type"}]}` (https://docs.mistral.ai/api/);
 * - Hugging Face TGI `{"error": "...", "error_type": "..."}`
 *   (https://huggingface.github.io/text-generation-inference/), Ollama and legacy Together `{"error": "..."}`;
 * - xAI `{"code": "<description>", "error": "..."}`;
 * - Fireworks' gateway `{"fault": {"faultstring", "detail": {"errorcode"}}}` and FastAPI `{"detail": ...}`;
 * - MLflow model serving `{"error_code", "message"}`;
 * - the same inside a one-element JSON array (Gemini's OpenAI-compatible endpoint);
 * - `{"message"}` alone (and plain-text bodies, which the upstream client turns into that).
 */
export function decodeUpstreamErrorBody(body: unknown): UpstreamErrorBody {
  const root = Array.isArray(body) && body.length === 1 ? body[0] : body;
  if (!isRecord(root)) return {};
  const { error } = root;
  if (isRecord(error)) {
    return compact({
      message: messageText(error.message),
      type: optionalString(error.type) ?? optionalString(error.status),
      code: codeText(error.code),
      param: optionalString(error.param),
    });
  }
  if (typeof error === "string") {
    return compact({
      message: error,
      type: optionalString(root.error_type) ?? optionalString(root.type),
      code: codeText(root.code) ?? codeText(root.error_code),
    });
  }
  if (isRecord(root.fault)) {
    const detail = isRecord(root.fault.detail) ? root.fault.detail : {};
    return compact({ message: optionalString(root.fault.faultstring), code: codeText(detail.errorcode) });
  }
  return compact({
    message: messageText(root.message) ?? messageText(root.detail),
    type: optionalString(root.type),
    code: codeText(root.code) ?? codeText(root.error_code),
    param: optionalString(root.param),
  });
}

/** The person-readable message of an error body, if it has one. */
export function decodeErrorMessage(body: unknown): string | undefined {
  return decodeUpstreamErrorBody(body).message;
}

/** A message is text, or FastAPI's validation detail (a list of `{loc, msg}`), which is made readable. */
function messageText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isRecord(value)) return messageText(value.detail) ?? messageText(value.message);
  if (!Array.isArray(value)) return undefined;
  const problems = value.filter(isRecord).map(validationProblem);
  return problems.length === 0 ? undefined : problems.join("; ");
}

function validationProblem(problem: JsonRecord): string {
  const location = Array.isArray(problem.loc)
    ? problem.loc.filter((part) => part !== "body").join(".")
    : undefined;
  const text = optionalString(problem.msg) ?? optionalString(problem.type) ?? "invalid";
  return location === undefined || location === "" ? text : `${location}: ${text}`;
}

/** Codes are strings in OpenAI's envelope; servers that send the HTTP status as a number get it as text. */
function codeText(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function compact(body: UpstreamErrorBody): UpstreamErrorBody {
  const result: UpstreamErrorBody = {};
  if (body.message !== undefined) result.message = body.message;
  if (body.type !== undefined) result.type = body.type;
  if (body.code !== undefined) result.code = body.code;
  if (body.param !== undefined) result.param = body.param;
  return result;
}
