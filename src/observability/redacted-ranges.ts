export const REDACTED = "[REDACTED]";
export const REDACTED_BYTES = Buffer.from(REDACTED);

/** The bytes with each [start, end) range (sorted, disjoint) replaced by `[REDACTED]`; the same bytes when none. */
export function replaceRanges(bytes: Uint8Array, ranges: readonly number[]): Uint8Array {
  if (ranges.length === 0) return bytes;
  const parts: Uint8Array[] = [];
  let position = 0;
  for (let index = 0; index < ranges.length; index += 2) {
    parts.push(bytes.subarray(position, ranges[index]), REDACTED_BYTES);
    position = ranges[index + 1] as number;
  }
  parts.push(bytes.subarray(position));
  return Buffer.concat(parts);
}

/** Sorts [start, end) pairs in place and merges the overlapping ones. */
export function mergeRanges(ranges: number[]): void {
  const pairs: [number, number][] = [];
  for (let index = 0; index < ranges.length; index += 2)
    pairs.push([ranges[index] as number, ranges[index + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  ranges.length = 0;
  for (const [start, end] of pairs) {
    const last = ranges.length - 1;
    if (last > 0 && start <= (ranges[last] as number)) ranges[last] = Math.max(ranges[last] as number, end);
    else ranges.push(start, end);
  }
}
