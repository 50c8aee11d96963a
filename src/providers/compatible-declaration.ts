import type { RequestQuirks } from "../dialects/openai/compatible-request.js";
import type { ResponseQuirks } from "../dialects/openai/compatible-response.js";

/**
 * An OpenAI-compatible provider, declared as data: only where it differs from OpenAI. openaiCompatible() turns
 * a declaration into a ProviderDefinition; each provider is one small file holding one of these.
 */
export interface CompatibleProviderDeclaration {
  /** The name used in YAML (`provider: mistral`). */
  name: string;
  /** Other accepted YAML names (matched like the name: case-insensitive, `-` and `_` alike). */
  aliases?: readonly string[];
  /** The name in messages (`Mistral`): errors never call a non-OpenAI server "OpenAI". */
  displayName: string;
  /** The provider's API reference, cited in the docs. */
  docs: string;
  config: {
    /**
     * The key of the base URL (paths below are joined to it) and its default; without a default the key is
     * required (self-hosted servers, MLflow's `hf_server_url`).
     */
    baseUrl: { key: string; default?: string };
    /**
     * The key of the API key. Required for hosted APIs; optional for self-hosted servers (vLLM, Ollama, TGI, ...),
     * which then get no credentials at all. Always a secret: `$ENV`, file or literal, never shown.
     */
    apiKey: { key: string; required: boolean };
    /** Further optional keys, each sent as a header (OpenRouter's attribution headers). */
    headers?: Readonly<Record<string, string>>;
  };
  /** How the key is sent: `Authorization: Bearer` (the default) or in a header of its own. */
  auth?: "bearer" | { header: string };
  /** When `model.name` may be omitted, what it then is. */
  defaultModelName?: string;
  /**
   * The body's `model`: the route's model (the default), or a fixed value (TGI takes any other as a LoRA
   * adapter id: https://huggingface.co/docs/text-generation-inference/messages_api).
   */
  bodyModel?: { fixed: string };
  chat: CompatibleOperation;
  /**
   * A text-completions endpoint, where the provider has one (raw continuation, `echo`, `suffix`, `logprobs`), or
   * `through-chat`: completions become one user message, and completions-only parameters are refused with a 400.
   */
  completions: CompletionsEndpoint | "through-chat";
  /** Absent when the provider has no embeddings API. */
  embeddings?: EmbeddingsEndpoint;
  /** How answers differ from OpenAI's; absent when they do not. */
  response?: ResponseQuirks;
  stream?: {
    /** Re-encode stream frames canonically (`data:` without the space trips strict clients). */
    normaliseFraming?: boolean;
    /** The usage comes on the last content chunk (or Groq's `x_groq`), whether asked for or not. */
    usageOnLastChunk?: boolean;
  };
}

export interface CompatibleOperation {
  /** Joined to the base URL (`chat/completions`). */
  path: string;
  request?: RequestQuirks;
}

export interface CompletionsEndpoint extends CompatibleOperation {
  /** `prompt` may be a list (several prompts in one request); otherwise the gateway sends one per prompt. */
  promptLists: boolean;
  /** `prompt` may be token ids; otherwise they are decoded to text (cl100k_base) first. */
  tokens: boolean;
}

export interface EmbeddingsEndpoint extends CompatibleOperation {
  /** `input` may be token ids; otherwise they are decoded to text (cl100k_base) first. */
  tokens: boolean;
  /** `encoding_format: "base64"` is honoured; otherwise the gateway asks for floats and encodes them itself. */
  base64: boolean;
}
