/** Token counts of one call. `null` where the upstream did not report a count. */
export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
}

export function createUsage(inputTokens: number | null, outputTokens: number | null): Usage {
  const totalTokens =
    inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0);
  return { inputTokens, outputTokens, totalTokens };
}

export const UNKNOWN_USAGE: Usage = Object.freeze({
  inputTokens: null,
  outputTokens: null,
  totalTokens: null,
});

/** The usage of two calls that made one answer (a stream and its continuation): counts add up, unknowns stay. */
export function addUsage(first: Usage, second: Usage): Usage {
  const add = (a: number | null, b: number | null): number | null =>
    a === null && b === null ? null : (a ?? 0) + (b ?? 0);
  return createUsage(
    add(first.inputTokens, second.inputTokens),
    add(first.outputTokens, second.outputTokens),
  );
}
