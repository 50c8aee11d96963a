import type { JsonRecord } from "../../mock-upstream/json-narrowing.js";
import {
  type CompatibleRow,
  compatibleRow,
  openAIShapedChat,
  openAIShapedCompletion,
} from "./compatible-row.js";

/**
 * Hugging Face TGI (https://huggingface.co/docs/text-generation-inference/messages_api), MLflow's
 * `huggingface-text-generation-inference` with `hf_server_url`, against its own spec: `model` must be `tgi`, a
 * list `prompt`, no credentials, streams framed `data:` without the space, errors `{"error", "error_type"}`.
 */

/** TGI's answers require `system_fingerprint`. */
const tgiShaped = (body: JsonRecord): JsonRecord => ({ ...body, system_fingerprint: "3.3.6-native" });

export const tgiRow: CompatibleRow = compatibleRow({
  provider: "huggingface-text-generation-inference",
  label: "tgi",
  model: "tgi",
  displayName: "Hugging Face Text Generation Inference",
  profile: {
    paths: { chat: "/v1/chat/completions", completions: "/v1/completions" },
    auth: "none",
    spec: { provider: "tgi", chat: "ChatRequest", completions: "CompletionRequest" },
    rules: (_operation, body) => [
      // Any other model is taken as a LoRA adapter id (router/src/server.rs).
      ...(body.model !== undefined && body.model !== "tgi"
        ? [`model '${String(body.model)}' is not 'tgi'`]
        : []),
      ...(body.n !== undefined ? ["`n` is unused by TGI"] : []),
    ],
    reasoning: "reasoning_content",
    chatBody: tgiShaped,
    chunk: tgiShaped,
    framing: { dataPrefix: "data:" },
    errorBody: (status, message) => ({
      error: message,
      error_type: status === 422 ? "validation" : "generation",
    }),
  },
  config: (url) => ({ hf_server_url: url }),
  headers: {},
  absentHeaders: ["authorization"],
  serves: {
    chat: true,
    completions: true,
    embeddings: "TGI has no embeddings (Hugging Face serves them with TEI, a separate server)",
  },
  maxCandidates: 1,
  chatBody: (intent) => openAIShapedChat(intent, "tgi", { oneCandidate: true }),
  completionsBody: (intent) =>
    openAIShapedCompletion(intent, "tgi", { promptAsList: true, oneCandidate: true }),
  passThrough: { chat: { tool_prompt: "Use a tool." }, embeddings: {} },
  // TGI's FunctionDefinition names the schema `arguments` (https://huggingface.github.io/text-generation-inference/).
  upstreamTools: (tools) =>
    tools.map((tool) => {
      if (tool.type !== "function") throw new Error("only function tools are used in these tests");
      const { parameters, ...definition } = tool.function;
      return { type: "function", function: { ...definition, arguments: parameters } };
    }),
  inBandError: {
    data: {
      error: "Request failed during generation: Server error: CUDA out of memory",
      error_type: "generation",
    },
    message: "CUDA out of memory",
  },
  codedError: {
    status: 422,
    body: {
      error: "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096",
      error_type: "validation",
    },
    code: "upstream_http_error",
    type: "validation",
  },
});
