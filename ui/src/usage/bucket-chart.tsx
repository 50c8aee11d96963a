import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { bucketTime } from "./usage-ranges.js";
import { formatUsd, type UsageEntry, type UsageTotals } from "./usage-rollup.js";

const COLORS = ["#2f6fdf", "#1f8a4c", "#c53030", "#b7791f", "#805ad5", "#5f6b76"];
/** Lines drawn: the largest entries; the rest would be unreadable. */
const MAX_LINES = 6;

interface Props {
  title: string;
  unit: string;
  /** The time buckets (UTC days or hours), oldest first. */
  buckets: string[];
  entries: UsageEntry[];
  label: (entry: UsageEntry) => string;
  value: (totals: UsageTotals) => number;
}

/** One value per time bucket for the largest entries of a dimension (spend, tokens), with uPlot. */
export function BucketChart({ title, unit, buckets, entries, label, value }: Props) {
  const holder = useRef<HTMLDivElement>(null);
  const shown = entries.slice(0, MAX_LINES);
  const signature = `${buckets.join()}|${shown.map((entry) => `${entry.name}:${value(entry)}`).join()}`;
  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        scales: { x: { time: true } },
        axes: [
          {},
          {
            label: unit,
            size: 70,
            // Spend is often fractions of a cent: uPlot's default ticks would all read "0".
            ...(unit === "USD"
              ? {
                  values: (_: uPlot, ticks: number[]) => ticks.map((usd) => formatUsd(Math.round(usd * 1e9))),
                }
              : {}),
          },
        ],
        series: [
          {},
          ...shown.map((entry, index) => ({
            label: label(entry),
            stroke: COLORS[index % COLORS.length],
            width: 2,
            points: { show: true, size: 6 },
          })),
        ],
        legend: { live: false },
      },
      [
        buckets.map(bucketTime),
        ...shown.map((entry) => buckets.map((bucket) => value(entry.buckets.get(bucket) ?? zero))),
      ],
      element,
    );
    return () => chart.destroy();
  }, [signature, unit]);
  return (
    <section class="chart" data-chart={title}>
      <h2>{title}</h2>
      <div ref={holder} data-lines={shown.length} data-buckets={buckets.length} />
    </section>
  );
}

const zero: UsageTotals = { requests: 0, inputTokens: 0, outputTokens: 0, costNano: 0, unpriced: 0 };
