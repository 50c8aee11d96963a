/** Small statistics for the bench: percentiles of samples, medians of rounds, means with their errors, slopes. */

/** The q-quantile (0..1) of samples, nearest-rank on a sorted copy; NaN when there are none. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The mean and its standard error (the sample standard deviation over the square root of n); NaN when empty. */
export function meanWithError(values: readonly number[]): { mean: number; error: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, error: Number.NaN };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n === 1) return { mean, error: Number.NaN };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { mean, error: Math.sqrt(variance / n) };
}

/**
 * Ratios of a measure to its baseline's, as the percentage added: "+4.1% ± 1.3%" (mean ± standard error); one
 * ratio has no error to show ("+4.1%, one round").
 */
export function addedPercent(ratios: readonly number[]): string {
  const { mean, error } = meanWithError(ratios);
  const added = (mean - 1) * 100;
  const spread = Number.isNaN(error) ? ", one round" : ` ± ${(error * 100).toFixed(1)}%`;
  return `${added >= 0 ? "+" : ""}${added.toFixed(1)}%${spread}`;
}

/** Slope of y over x by ordinary least squares; NaN with fewer than two distinct x. */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const { x, y } of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

/** Rounds for display and JSON: finite numbers to `digits` decimals, anything else to null. */
export function rounded(value: number, digits = 3): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
