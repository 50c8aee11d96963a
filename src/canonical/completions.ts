import type { FinishReason } from "./finish-reason.js";
import type { SamplingParameters } from "./sampling.js";
import type { Usage } from "./usage.js";

export interface CompletionsRequest extends SamplingParameters {
  prompt: string;
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
