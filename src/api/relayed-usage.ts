import type { Usage } from "../canonical/index.js";
import { isRecord } from "../dialects/narrow.js";
import { decodeUsage, usageOfChunk as usageInChunk } from "../dialects/openai/usage.js";

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

/**
 * The usage of a stream chunk, when it carries one (the last chunk, with `stream_options.include_usage`, or unasked
 * from some servers, Groq's under `x_groq`).
 */
export function usageOfChunk(data: string): Usage | undefined {
  if (!data.includes('"usage":{')) return undefined;
  try {
    const chunk: unknown = JSON.parse(data);
    const usage = isRecord(chunk) ? usageInChunk(chunk) : undefined;
    return usage === undefined ? undefined : decodeUsage(usage, 0);
  } catch {
    // Not JSON: the relay reports the broken frame; there is just nothing to count.
    return undefined;
  }
}

/**
 * The model and finish reasons of a relayed answer or chunk (for traces). Chunks are only parsed when they carry
 * a finish reason, which only the last ones do.
 */
export function finishOfAnswer(body: unknown): { model?: string; reasons: string[] } | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { model, choices } = body as { model?: unknown; choices?: unknown };
  const reasons = Array.isArray(choices)
    ? choices
        .map((choice) => (choice as { finish_reason?: unknown } | null)?.finish_reason)
        .filter((reason): reason is string => typeof reason === "string")
    : [];
  return typeof model === "string" ? { model, reasons } : { reasons };
}

export function finishOfChunk(data: string): { model?: string; reasons: string[] } | undefined {
  if (!data.includes('"finish_reason":"')) return undefined;
  try {
    return finishOfAnswer(JSON.parse(data));
  } catch {
    // The side tap only reads; a frame it cannot parse is the client's to judge.
    return undefined;
  }
}
