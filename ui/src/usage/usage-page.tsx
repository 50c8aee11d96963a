import { useEffect, useState } from "preact/hooks";
import { adminProblem } from "../admin/admin-availability.js";
import { admin } from "../admin/admin-client.js";
import { AdminGate } from "../admin/admin-gate.js";
import { BucketChart } from "./bucket-chart.js";
import { BudgetsSection } from "./budgets-section.js";
import { readUsage } from "./usage-client.js";
import { bucketsOf, RANGES } from "./usage-ranges.js";
import { formatUsd, rollUp, total, type UsageDimension, type UsageEntry } from "./usage-rollup.js";
import type { UsageRow } from "./usage-wire.js";

/** Keys whose alias labels the usage rows (the rest show their id). */
const LABELLED_KEYS = 1000;

interface Loaded {
  rows: UsageRow[];
  buckets: string[];
  dimension: UsageDimension;
}

/** Spend and tokens by key, group, route and model over hours or days, from the usage aggregates; and budgets. */
export function UsagePage() {
  return (
    <AdminGate>
      <UsageContent />
    </AdminGate>
  );
}

function UsageContent() {
  const [rangeId, setRangeId] = useState("1h");
  const [dimension, setDimension] = useState<UsageDimension>("key");
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [aliases, setAliases] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    admin.listKeys({ limit: String(LABELLED_KEYS) }).then(
      (page) =>
        setAliases(
          new Map(
            page.data.flatMap((key) => (key.alias === null ? [] : [[key.id, key.alias] as [string, string]])),
          ),
        ),
      () => setAliases(new Map()),
    );
  }, []);

  useEffect(() => {
    let current = true;
    const range = RANGES.find((entry) => entry.id === rangeId) ?? (RANGES[0] as (typeof RANGES)[number]);
    const buckets = bucketsOf(range, new Date());
    readUsage({
      bucket: range.bucket,
      from: buckets[0] as string,
      to: buckets.at(-1) as string,
      groupBy: `${range.bucket},${dimension}`,
    }).then(
      (usage) => {
        if (!current) return;
        setLoaded({ rows: usage.data, buckets, dimension });
        setError(null);
      },
      (failure: unknown) => current && setError(adminProblem(failure)),
    );
    return () => {
      current = false;
    };
  }, [rangeId, dimension]);

  if (error !== null)
    return (
      <p class="error-text" id="usage-error">
        {error}
      </p>
    );
  if (loaded === null) return <p class="muted">Loading the usage…</p>;
  const shownDimension = loaded.dimension;
  const entries = rollUp(loaded.rows, shownDimension);
  const sum = total(loaded.rows);
  const range = RANGES.find((entry) => entry.id === rangeId);
  const label = (entry: UsageEntry): string => {
    if (entry.name === "") return shownDimension === "group" ? "(no group)" : "(no key)";
    if (shownDimension !== "key") return entry.name;
    const alias = aliases.get(entry.name);
    return alias === undefined ? entry.name : `${alias} (${entry.name})`;
  };
  const first = loaded.buckets[0] ?? "";
  const span =
    range?.bucket === "hour"
      ? `hourly buckets, from ${new Date(first).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} to now`
      : `UTC days, from ${first}`;
  return (
    <>
      <div class="toolbar">
        <select
          id="usage-range"
          aria-label="Time range"
          value={rangeId}
          onChange={(event) => setRangeId((event.target as HTMLSelectElement).value)}
        >
          {RANGES.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.label}
            </option>
          ))}
        </select>
        <select
          id="usage-by"
          aria-label="By"
          value={dimension}
          onChange={(event) => setDimension((event.target as HTMLSelectElement).value as UsageDimension)}
        >
          <option value="key">by key</option>
          <option value="group">by group</option>
          <option value="route">by route</option>
          <option value="model">by model</option>
        </select>
        <span id="usage-total" data-requests={sum.requests}>
          <b>{formatUsd(sum.costNano)}</b> for {sum.requests} requests, {sum.inputTokens} tokens in and{" "}
          {sum.outputTokens} out
          {sum.unpriced > 0 && (
            <span class="badge half_open" id="usage-unpriced">
              {" "}
              + {sum.unpriced} unpriced
            </span>
          )}
        </span>
      </div>
      <p class="muted" id="usage-span">
        {range?.label}: {span}. From the gateway's usage aggregates (hours are its finest grain). Unpriced
        calls (a model without a price) have an unknown cost: they are counted apart, never as $0.
      </p>
      <div class="charts">
        <BucketChart
          title="Spend over time"
          unit="USD"
          buckets={loaded.buckets}
          entries={entries}
          label={label}
          value={(totals) => totals.costNano / 1e9}
        />
        <BucketChart
          title="Tokens over time"
          unit="tokens"
          buckets={loaded.buckets}
          entries={entries}
          label={label}
          value={(totals) => totals.inputTokens + totals.outputTokens}
        />
      </div>
      <table id="usage" data-dimension={shownDimension} data-range={rangeId}>
        <thead>
          <tr>
            <th>{shownDimension}</th>
            <th>Spend</th>
            <th>Requests</th>
            <th>Tokens in</th>
            <th>Tokens out</th>
            <th>Unpriced calls</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No calls in this time.
              </td>
            </tr>
          )}
          {entries.map((entry) => (
            <tr key={entry.name} data-usage={entry.name}>
              <td>{label(entry)}</td>
              <td class="number" data-field="spend" data-nano={entry.costNano}>
                {formatUsd(entry.costNano)}
                {entry.unpriced > 0 && " + unknown"}
              </td>
              <td class="number" data-field="requests">
                {entry.requests}
              </td>
              <td class="number">{entry.inputTokens}</td>
              <td class="number">{entry.outputTokens}</td>
              <td class="number" data-field="unpriced">
                {entry.unpriced === 0 ? "–" : <span class="badge half_open">{entry.unpriced} unpriced</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <BudgetsSection />
    </>
  );
}
