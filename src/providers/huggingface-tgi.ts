import { openaiCompatible } from "./openai-compatible.js";

/**
 * Hugging Face Text Generation Inference (https://huggingface.co/docs/text-generation-inference/messages_api),
 * MLflow's `huggingface-text-generation-inference` with its `hf_server_url`: the Messages API
 * (`/v1/chat/completions`) and `/v1/completions`, whose `prompt` is a list. `model` must be `tgi` (any other
 * value is read as a LoRA adapter id); one candidate; `stop` a list; JSON output as TGI's grammar; a tool's
 * schema under `arguments` (TGI's `FunctionDefinition`); streams
 * framed `data:` without the space, which the relay normalises. No key unless the server (or an Inference
 * Endpoint) wants one (`hf_api_key`, sent as a bearer token).
 */
export const tgiProvider = openaiCompatible({
  name: "huggingface-text-generation-inference",
  aliases: ["tgi", "huggingface-tgi"],
  displayName: "Hugging Face Text Generation Inference",
  docs: "https://huggingface.co/docs/text-generation-inference/messages_api",
  config: {
    baseUrl: { key: "hf_server_url" },
    apiKey: { key: "hf_api_key", required: false },
  },
  defaultModelName: "tgi",
  bodyModel: { fixed: "tgi" },
  chat: {
    path: "v1/chat/completions",
    request: {
      rename: { max_completion_tokens: "max_tokens" },
      refuse: { logit_bias: "has no logit bias" },
      maxCandidates: 1,
      stopAsList: true,
      responseFormat: "tgi-grammar",
      toolParametersAs: "arguments",
    },
  },
  completions: {
    path: "v1/completions",
    promptLists: true,
    tokens: false,
    request: { maxCandidates: 1, stopAsList: true, promptShape: "list" },
  },
  response: { finishReasons: { eos_token: "stop", stop_sequence: "stop" } },
  stream: { normaliseFraming: true },
});
