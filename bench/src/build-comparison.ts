import { addedPercent, meanWithError, median } from "./stats.js";

/**
 * What `bench:compare` measured (compare-builds.ts), and its report: per route, each group's CPU µs per request
 * and its ratio to the baseline's, round by round. The first group of each route is the baseline, the second the
 * current build on the same config; the current build is judged against the baseline's CPU with the round's
 * features budget (issue 19: this round's features together cost at most 10% CPU per request).
 */
export interface GroupResult {
  label: string;
  /** CPU µs per request of each round (the mean over the group's processes). */
  cpuUsPerRound: number[];
}

export interface BuildComparison {
  baseline: string;
  current: string;
  settings: { rounds: number; seconds: number; processes: number; connections: number };
  pinning: string;
  routes: { label: string; groups: GroupResult[] }[];
}

/** At most this much more CPU per request than the baseline counts as no regression. */
export const REGRESSION_ALLOWANCE = 0.1;

/** Each round's ratio of a group's CPU per request to the baseline's in the same round. */
export function roundRatios(group: GroupResult, baseline: GroupResult): number[] {
  return group.cpuUsPerRound.map((cpuUs, index) => cpuUs / (baseline.cpuUsPerRound[index] as number));
}

export function comparisonReport(comparison: BuildComparison): string {
  const { settings } = comparison;
  const lines = [
    `The old paths against ${comparison.baseline} (routes only, bench/switchyard-old-paths.yaml): CPU µs per request ` +
      `at ${settings.connections} connections, ${settings.rounds} rounds of ${settings.seconds} s, ` +
      `gateways per build: ${settings.processes} (one worker each), all loaded at the same time on the server ` +
      `core(s), so that the host's drifts fall on every build alike; ${comparison.pinning}.`,
  ];
  const verdicts: string[] = [];
  for (const route of comparison.routes) {
    const [baseline, current] = route.groups;
    if (baseline === undefined || current === undefined) continue;
    lines.push(
      "",
      `${route.label}:`,
      "",
      "| build | CPU µs per request (median of rounds) | against the baseline (mean ± standard error) |",
      "|---|---|---|",
      ...route.groups.map((group) => {
        const against = group === baseline ? "" : addedPercent(roundRatios(group, baseline));
        return `| ${group.label} | ${median(group.cpuUsPerRound).toFixed(1)} | ${against} |`;
      }),
    );
    const added = meanWithError(roundRatios(current, baseline)).mean - 1;
    verdicts.push(
      `${route.label} ${added <= REGRESSION_ALLOWANCE ? "met" : "not met"} (${addedPercent(roundRatios(current, baseline))})`,
    );
  }
  lines.push(
    "",
    `No regression of the old paths (at most +${REGRESSION_ALLOWANCE * 100}% CPU per request over ` +
      `${comparison.baseline}): ${verdicts.join("; ")}.`,
  );
  return `${lines.join("\n")}\n`;
}
