import type { Usage } from "./usage.js";

export interface EmbeddingsRequest {
  /** The texts to embed, in order. A single text is a list of one. */
  input: string[];
  /** Whether the client sent a single string rather than a list (some dialects echo the shape). */
  singleInput: boolean;
  dimensions?: number;
  /** Request fields the gateway does not model, forwarded as they are. */
  extra: Record<string, unknown>;
}

export interface EmbeddingsResponse {
  model: string;
  /** One vector per input, in input order. */
  embeddings: number[][];
  usage: Usage;
}

/** Splits an embeddings request into requests of at most `size` inputs, for upstreams with a per-call limit. */
export function splitEmbeddingsRequest(request: EmbeddingsRequest, size: number): EmbeddingsRequest[] {
  if (request.input.length <= size) return [request];
  const parts: EmbeddingsRequest[] = [];
  for (let start = 0; start < request.input.length; start += size) {
    parts.push({ ...request, input: request.input.slice(start, start + size), singleInput: false });
  }
  return parts;
}

/** Joins the answers to split requests, in order; token counts add up, and are unknown if any part's is. */
export function mergeEmbeddingsResponses(responses: EmbeddingsResponse[]): EmbeddingsResponse {
  const sum = (pick: (usage: Usage) => number | null): number | null =>
    responses.reduce<number | null>((total, response) => {
      const value = pick(response.usage);
      return total === null || value === null ? null : total + value;
    }, 0);
  return {
    model: responses[0]?.model ?? "",
    embeddings: responses.flatMap((response) => response.embeddings),
    usage: {
      inputTokens: sum((usage) => usage.inputTokens),
      outputTokens: sum((usage) => usage.outputTokens),
      totalTokens: sum((usage) => usage.totalTokens),
    },
  };
}
