import type { Usage } from "../canonical/index.js";
import { decodeUsage } from "../dialects/openai/usage.js";

/**
 * Token counts of an OpenAI-shaped answer that the gateway relays without decoding: read for the metrics only,
 * so an answer without (readable) usage simply has none.
 */
export function usageOfBody(text: string): Usage | undefined {
  if (!text.includes('"usage"')) return undefined;
  try {
    return usageOfAnswer(JSON.parse(text));
  } catch {
    // Not JSON after all: the client gets the bytes as they are; there is just nothing to count.
    return undefined;
  }
}

/** The usage of a relayed answer already parsed; none when it has no readable usage. */
export function usageOfAnswer(body: unknown): Usage | undefined {
  const usage = typeof body === "object" && body !== null ? (body as { usage?: unknown }).usage : undefined;
  return usage === undefined ? undefined : decodeUsage(usage, 0);
}
