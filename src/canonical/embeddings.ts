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
