import type { ChatResponse, CompletionsResponse, EmbeddingsResponse } from "../canonical/index.js";

/** The model that answered and each choice's finish reason, of any canonical response (for traces). */
export function canonicalFinish(response: ChatResponse | CompletionsResponse | EmbeddingsResponse): {
  model?: string;
  reasons: string[];
} {
  const reasons =
    "choices" in response ? response.choices.map((choice) => choice.finishReason ?? "null") : [];
  return response.model === "" ? { reasons } : { model: response.model, reasons };
}
