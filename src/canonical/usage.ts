/**
 * What one call used, as its provider bills it: token counts (`null` where the upstream did not report a count),
 * and the details of the bill where reported (buckets of the counts, server-tool uses, the service tier).
 *
 * `inputTokens` is the whole prompt, cached parts included, in every dialect (Anthropic reports the parts apart;
 * the decoders add them up). The optional details break the totals down where the upstream reported them, so
 * that usage and cost accounting can price each bucket: absent means "not reported", never 0.
 */
export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  /** Of `inputTokens`, those read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Of `inputTokens`, those written to the provider's prompt cache (every time-to-live). */
  cacheWriteTokens?: number;
  /** Of `cacheWriteTokens`, those written with a one-hour time-to-live (priced apart by Anthropic). */
  cacheWrite1hTokens?: number;
  /** Of `outputTokens`, those the model spent on reasoning (billed as output). */
  reasoningTokens?: number;
  /** Of `inputTokens`, those that encode audio. */
  audioInputTokens?: number;
  /** Of `outputTokens`, those that encode audio. */
  audioOutputTokens?: number;
  /** Of `inputTokens` and `outputTokens`, those that encode images (prompt images; an image model's answer). */
  imageTokens?: number;
  /** Web searches the provider ran for the call (a server tool billed per search, not per token). */
  webSearchRequests?: number;
  /**
   * The service tier the provider says served (and billed) the call: OpenAI's `service_tier`, Anthropic's
   * `usage.service_tier`. Kept with the counts because it says at which rate they were billed.
   */
  serviceTier?: string;
}

/** The counts of a Usage's optional breakdown: each is absent when not reported. */
const DETAIL_KEYS = [
  "cacheReadTokens",
  "cacheWriteTokens",
  "cacheWrite1hTokens",
  "reasoningTokens",
  "audioInputTokens",
  "audioOutputTokens",
  "imageTokens",
  "webSearchRequests",
] as const;

/** The optional breakdown of a Usage, as decoders collect it. */
export type UsageDetails = Pick<Usage, (typeof DETAIL_KEYS)[number] | "serviceTier">;

export function createUsage(
  inputTokens: number | null,
  outputTokens: number | null,
  details: UsageDetails = {},
): Usage {
  const totalTokens =
    inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0);
  const usage: Usage = { inputTokens, outputTokens, totalTokens };
  // Only reported counts are set, so an absent detail keeps meaning "not reported".
  for (const key of DETAIL_KEYS) {
    const count = details[key];
    if (count !== undefined) usage[key] = count;
  }
  if (details.serviceTier !== undefined) usage.serviceTier = details.serviceTier;
  return usage;
}

/** The input tokens that were neither read from nor written to a cache (Anthropic's `input_tokens`). */
export function uncachedInputTokens(usage: Usage): number | null {
  if (usage.inputTokens === null) return null;
  return Math.max(0, usage.inputTokens - (usage.cacheReadTokens ?? 0) - (usage.cacheWriteTokens ?? 0));
}

export const UNKNOWN_USAGE: Usage = Object.freeze({
  inputTokens: null,
  outputTokens: null,
  totalTokens: null,
});

/**
 * The usage of two calls that made one answer (a stream and its continuation): counts add up, unknowns stay, and
 * so does the breakdown (cache reads and writes, reasoning, audio, images, web searches), which prices each
 * call's tokens at their bucket's rate: a detail either call reported is kept. The service tier is the second
 * call's when it reported one (it served the end of the answer), else the first's.
 */
export function addUsage(first: Usage, second: Usage): Usage {
  const add = (a: number | null, b: number | null): number | null =>
    a === null && b === null ? null : (a ?? 0) + (b ?? 0);
  const details: UsageDetails = {};
  for (const key of DETAIL_KEYS) {
    if (first[key] !== undefined || second[key] !== undefined)
      details[key] = (first[key] ?? 0) + (second[key] ?? 0);
  }
  const serviceTier = second.serviceTier ?? first.serviceTier;
  if (serviceTier !== undefined) details.serviceTier = serviceTier;
  return createUsage(
    add(first.inputTokens, second.inputTokens),
    add(first.outputTokens, second.outputTokens),
    details,
  );
}

/**
 * What is left of `total` without `part` (the usage of a continued stream's broken start, taken from the spliced
 * total): counts and details subtracted, never below 0; an unknown total stays unknown.
 */
export function subtractUsage(total: Usage, part: Usage): Usage {
  const left = (a: number | null, b: number | null): number | null =>
    a === null ? null : Math.max(0, a - (b ?? 0));
  const details: UsageDetails = {};
  for (const key of DETAIL_KEYS) {
    const value = total[key];
    if (value !== undefined) details[key] = Math.max(0, value - (part[key] ?? 0));
  }
  if (total.serviceTier !== undefined) details.serviceTier = total.serviceTier;
  return createUsage(
    left(total.inputTokens, part.inputTokens),
    left(total.outputTokens, part.outputTokens),
    details,
  );
}
