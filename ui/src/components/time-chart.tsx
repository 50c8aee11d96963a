import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { TrafficPoint } from "../../../src/console/console-wire.js";

export interface ChartSeries {
  label: string;
  color: string;
  value: (point: TrafficPoint) => number | null;
}

interface TimeChartProps {
  title: string;
  unit: string;
  points: TrafficPoint[];
  series: ChartSeries[];
}

/**
 * A uPlot time chart of some values of the traffic points. The chart is built once and fed new data on each
 * update (uPlot redraws in a few ms); `data-points` and `data-redraws` say what it shows, for tests and people.
 */
export function TimeChart({ title, unit, points, series }: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const redraws = useRef(0);

  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 200,
        scales: { x: { time: true } },
        axes: [{}, { label: unit, size: 60 }],
        series: [
          {},
          ...series.map((line) => ({ label: line.label, stroke: line.color, width: 1.5, spanGaps: false })),
        ],
        legend: { live: false },
      },
      [[], ...series.map(() => [])],
      element,
    );
    plot.current = chart;
    const resize = (): void => chart.setSize({ width: Math.max(320, element.clientWidth), height: 200 });
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.destroy();
      plot.current = null;
    };
  }, [unit, series.map((line) => line.label).join()]);

  useEffect(() => {
    const chart = plot.current;
    if (chart === null) return;
    const data: uPlot.AlignedData = [
      points.map((point) => point.t),
      ...series.map((line) => points.map((point) => line.value(point))),
    ];
    chart.setData(data);
    redraws.current++;
    holder.current?.setAttribute("data-redraws", String(redraws.current));
  }, [points]);

  return (
    <section class="chart" data-chart={title}>
      <h2>{title}</h2>
      <div ref={holder} data-points={points.length} />
    </section>
  );
}
