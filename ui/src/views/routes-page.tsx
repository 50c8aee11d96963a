import type { RouteSummary, TargetHealth } from "../../../src/console/console-wire.js";
import { formatAgo, formatMs, formatPercent } from "../format.js";
import { useTrafficFeed } from "../traffic-feed.js";

const STATE_LABEL: Record<TargetHealth["state"], string> = {
  closed: "closed",
  open: "open",
  half_open: "half-open",
  recovering: "recovering",
};

/** Every route of the config with its targets' breaker state and its last minute of traffic, live. */
export function RoutesPage() {
  const feed = useTrafficFeed(null);
  const view = feed.routes;
  if (view === null) return <p class="muted">Waiting for the gateway…</p>;
  return (
    <>
      <p class="muted">
        <span class={`badge ${feed.status}`} id="feed-status">
          {feed.status}
        </span>{" "}
        {view.routes.length} routes · breaker state from {view.workers}{" "}
        {view.workers === 1 ? "worker" : "workers"}· traffic of the last minute, all workers
      </p>
      <table id="routes">
        <thead>
          <tr>
            <th>Route</th>
            <th>Type</th>
            <th>Strategy</th>
            <th>Targets and circuit breakers</th>
            <th>Req/min</th>
            <th>Errors</th>
            <th>p95</th>
          </tr>
        </thead>
        <tbody>
          {view.routes.map((route) => (
            <RouteRow key={route.name} route={route} workers={view.workers} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function RouteRow({ route, workers }: { route: RouteSummary; workers: number }) {
  return (
    <tr data-route={route.name}>
      <td>
        <b>{route.name}</b>
      </td>
      <td>{route.type}</td>
      <td>{route.targets.length > 1 ? route.strategy : "single"}</td>
      <td>
        {route.targets.map((target) => (
          <TargetCell key={target.target} target={target} workers={workers} strategy={route.strategy} />
        ))}
      </td>
      <td class="number" data-field="rpm">
        {route.requestsPerMinute}
      </td>
      <td class="number" data-field="error-rate">
        {formatPercent(route.errorRate)}
      </td>
      <td class="number" data-field="p95">
        {formatMs(route.p95Ms)}
      </td>
    </tr>
  );
}

function TargetCell({
  target,
  workers,
  strategy,
}: {
  target: TargetHealth;
  workers: number;
  strategy: string;
}) {
  const split = Object.entries(target.workers)
    .map(([state, count]) => `${count} ${STATE_LABEL[state as TargetHealth["state"]]}`)
    .join(", ");
  return (
    <div class="target" data-target={target.target} data-state={target.state}>
      {target.target} <span class={`badge ${target.state}`}>{STATE_LABEL[target.state]}</span>
      {strategy === "weighted" ? <span class="muted"> weight {target.weight}</span> : null}
      <div class="detail">
        {target.failures > 0 ? `${target.failures} consecutive failures · ` : ""}
        {target.state === "open" && target.retryInMs > 0
          ? `probe in ${Math.ceil(target.retryInMs / 1000)} s · `
          : ""}
        {workers > 1 && split !== "" ? `workers: ${split}` : ""}
      </div>
      {target.lastError === null ? null : (
        <div class="detail">
          last error {formatAgo(target.lastError.at)}:{" "}
          <span class="error-text">{target.lastError.message}</span>
        </div>
      )}
    </div>
  );
}
