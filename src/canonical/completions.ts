import type { FinishReason } from "./finish-reason.js";
import type { SamplingParameters } from "./sampling.js";
import type { Usage } from "./usage.js";

export interface CompletionsRequest extends SamplingParameters {
  /**
   * One prompt, or several (OpenAI's batched form). Several prompts reach only upstreams whose completions
   * operation declares `acceptsPromptLists`; for the others routing sends one request per prompt.
   */
  prompt: string | string[];
}

export interface CompletionsChoice {
  index: number;
  text: string;
  finishReason: FinishReason;
}

export interface CompletionsResponse {
  id: string | null;
  model: string;
  /** Unix seconds. */
  created: number;
  choices: CompletionsChoice[];
  usage: Usage;
}
