/**
 * The generation parameters shared by chat and completions requests.
 *
 * `temperature` is on OpenAI's scale, 0 to 2. Each ingress dialect converts its own scale to this one and each
 * provider converts this one to its own, linearly, so a value means the same share of every provider's range.
 */
export interface SamplingParameters {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  /** Number of candidates to generate. */
  n?: number;
  seed?: number;
  stream?: boolean;
  /** Ask for a final usage event on a stream. */
  streamIncludeUsage?: boolean;
  /**
   * Request fields the gateway does not model. They are forwarded to the provider as they are, so that
   * provider-specific options (`top_k`, `logit_bias`, ...) keep working through the gateway.
   */
  extra: Record<string, unknown>;
}
