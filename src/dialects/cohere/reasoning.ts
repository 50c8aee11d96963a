/** The wire family of Cohere's thinking: it is read back by Cohere upstreams only. */
export const COHERE_REASONING_ORIGIN = "cohere";
