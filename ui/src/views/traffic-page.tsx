import { useState } from "preact/hooks";
import { type ChartSeries, TimeChart } from "../components/time-chart.js";
import { useTrafficFeed } from "../traffic-feed.js";

const REQUESTS: ChartSeries[] = [
  { label: "requests/s", color: "#2f6fdf", value: (point) => point.requests },
  { label: "errors/s (5xx)", color: "#c53030", value: (point) => point.errors },
  { label: "client errors/s (4xx)", color: "#b7791f", value: (point) => point.clientErrors },
];
const LATENCY: ChartSeries[] = [
  { label: "p50", color: "#1f8a4c", value: (point) => point.p50Ms },
  { label: "p95", color: "#b7791f", value: (point) => point.p95Ms },
  { label: "p99", color: "#c53030", value: (point) => point.p99Ms },
];
const TTFT: ChartSeries[] = [
  { label: "p50", color: "#1f8a4c", value: (point) => point.ttftP50Ms },
  { label: "p95", color: "#c53030", value: (point) => point.ttftP95Ms },
];
const TOKENS: ChartSeries[] = [
  { label: "tokens in/s", color: "#6b46c1", value: (point) => point.tokensIn },
  { label: "tokens out/s", color: "#2f6fdf", value: (point) => point.tokensOut },
];

/** Live charts of the gateway's traffic, for all routes or one, starting with the minutes the gateway kept. */
export function TrafficPage() {
  const [route, setRoute] = useState<string | null>(null);
  const feed = useTrafficFeed(route);
  const total = feed.points.reduce((sum, point) => sum + point.requests, 0);
  const playground = feed.points.reduce((sum, point) => sum + point.playground, 0);
  return (
    <>
      <div class="toolbar">
        <span class={`badge ${feed.status}`} id="feed-status">
          {feed.status}
        </span>
        <label>
          Route{" "}
          <select
            id="traffic-route"
            value={route ?? ""}
            onChange={(event) =>
              setRoute(event.currentTarget.value === "" ? null : event.currentTarget.value)
            }
          >
            <option value="">all routes</option>
            {(feed.routes?.routes ?? []).map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
              </option>
            ))}
          </select>
        </label>
        <span class="muted" id="traffic-summary" data-updates={feed.updates}>
          {total} requests in the last {Math.round(feed.points.length / 60)} min ({playground} from the
          playground)
        </span>
      </div>
      <div class="charts">
        <TimeChart title="Requests per second" unit="req/s" points={feed.points} series={REQUESTS} />
        <TimeChart title="Latency" unit="ms" points={feed.points} series={LATENCY} />
        <TimeChart title="Time to first token (streams)" unit="ms" points={feed.points} series={TTFT} />
        <TimeChart title="Tokens per second" unit="tokens/s" points={feed.points} series={TOKENS} />
      </div>
    </>
  );
}
