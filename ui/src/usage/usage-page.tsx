import { useEffect, useState } from "preact/hooks";
import { adminProblem } from "../admin/admin-availability.js";
import { admin } from "../admin/admin-client.js";
import { AdminGate } from "../admin/admin-gate.js";
import type { GroupView, KeyView, OrgView } from "../admin/admin-wire.js";
import { budgetLines, type QuotaEntry } from "./budget-consumption.js";
import { readQuotas } from "./budget-quota.js";
import { BudgetsSection } from "./budgets-section.js";
import { DailyChart } from "./daily-chart.js";
import { readUsage } from "./usage-client.js";
import { formatUsd, rollUp, total, type UsageDimension, type UsageEntry, utcDay } from "./usage-rollup.js";
import type { UsageRow } from "./usage-wire.js";

const RANGES = [
  { id: "today", label: "Today (UTC)", days: 1 },
  { id: "7d", label: "Last 7 days", days: 7 },
  { id: "30d", label: "Last 30 days", days: 30 },
];

interface Loaded {
  rows: UsageRow[];
  days: string[];
  keys: KeyView[];
  groups: GroupView[];
  orgs: OrgView[];
}

/** Spend and tokens by key, group, route and model over days, from the usage aggregates; and the budgets. */
export function UsagePage() {
  return (
    <AdminGate>
      <UsageContent />
    </AdminGate>
  );
}

function UsageContent() {
  const [range, setRange] = useState("today");
  const [dimension, setDimension] = useState<UsageDimension>("key");
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quotas, setQuotas] = useState<Map<string, QuotaEntry[]>>(new Map());

  useEffect(() => {
    let current = true;
    const days = RANGES.find((entry) => entry.id === range)?.days ?? 1;
    const now = new Date();
    const dayList = Array.from({ length: days }, (_, index) => utcDay(now, days - 1 - index));
    Promise.all([
      readUsage(dayList[0] as string, utcDay(now, 0), "day,key,route,model"),
      admin.listKeys(),
      admin.listGroups(),
      admin.listOrgs(),
    ]).then(
      ([usage, keys, groups, orgs]) => {
        if (!current) return;
        setLoaded({ rows: usage.data, days: dayList, keys: keys.data, groups: groups.data, orgs: orgs.data });
        setError(null);
      },
      (failure: unknown) => current && setError(adminProblem(failure)),
    );
    return () => {
      current = false;
    };
  }, [range]);

  useEffect(() => {
    if (loaded === null) return;
    // One member key per budget: its quota holds the budget of its key, group and org alike.
    const active = new Set(loaded.keys.filter((key) => key.status === "active").map((key) => key.id));
    const members = budgetLines(loaded.keys, loaded.groups, loaded.orgs).map(
      (line) => line.keys.find((key) => active.has(key)) ?? line.keys[0],
    );
    const wanted = [...new Set(members.filter((key): key is string => key !== undefined))];
    if (wanted.length > 0) void readQuotas(wanted).then(setQuotas);
  }, [loaded]);

  if (error !== null)
    return (
      <p class="error-text" id="usage-error">
        {error}
      </p>
    );
  if (loaded === null) return <p class="muted">Loading the usage…</p>;
  const keyById = new Map(loaded.keys.map((key) => [key.id, key]));
  const groupOfKey = new Map(loaded.keys.map((key) => [key.id, key.group]));
  const entries = rollUp(loaded.rows, dimension, groupOfKey);
  const sum = total(loaded.rows);
  const label = (entry: UsageEntry): string => {
    if (entry.name === "") return dimension === "group" ? "(no group)" : "(no key)";
    if (dimension !== "key") return entry.name;
    const alias = keyById.get(entry.name)?.alias;
    return alias === null || alias === undefined ? entry.name : `${alias} (${entry.name})`;
  };
  return (
    <>
      <div class="toolbar">
        <select
          id="usage-range"
          aria-label="Days"
          value={range}
          onChange={(event) => setRange((event.target as HTMLSelectElement).value)}
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
      <p class="muted">
        From the gateway's usage aggregates, counted by UTC day (the usage API's finest grain): "today" is the
        UTC day so far. Unpriced calls (a model without a price) have an unknown cost: they are counted apart,
        never as $0.
      </p>
      <div class="charts">
        <DailyChart
          title="Spend per day"
          unit="USD"
          days={loaded.days}
          entries={entries}
          label={label}
          value={(totals) => totals.costNano / 1e9}
        />
        <DailyChart
          title="Tokens per day"
          unit="tokens"
          days={loaded.days}
          entries={entries}
          label={label}
          value={(totals) => totals.inputTokens + totals.outputTokens}
        />
      </div>
      <table id="usage">
        <thead>
          <tr>
            <th>{dimension}</th>
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
                No calls in these days.
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
      <BudgetsSection keys={loaded.keys} groups={loaded.groups} orgs={loaded.orgs} quotas={quotas} />
    </>
  );
}
