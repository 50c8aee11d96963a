import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { adminProblem } from "./admin-availability.js";
import { admin } from "./admin-client.js";
import { AdminGate } from "./admin-gate.js";
import type { AuditEntry } from "./admin-wire.js";
import { formatWhen } from "./record-format.js";

interface Filters {
  object_type: string;
  object_id: string;
  action: string;
  actor: string;
}

const NO_FILTERS: Filters = { object_type: "", object_id: "", action: "", actor: "" };

/** The admin API's audit log, newest first: who changed which key, group or org, when, and what changed. */
export function AuditPage() {
  return (
    <AdminGate>
      <AuditPageContent />
    </AdminGate>
  );
}

function AuditPageContent() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  const read = (more: boolean): void => {
    admin.audit({ ...applied, ...(more && cursor !== null ? { cursor } : {}) }).then(
      (page) => {
        setEntries((previous) => (more ? [...(previous ?? []), ...page.entries] : page.entries));
        setCursor(page.next_cursor);
        setError(null);
      },
      (failure: unknown) => setError(adminProblem(failure)),
    );
  };
  useEffect(() => read(false), [applied]);

  const text = (name: keyof Filters) => (event: Event) =>
    setFilters({ ...filters, [name]: (event.target as HTMLInputElement).value });
  return (
    <>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(filters);
        }}
      >
        <select
          id="audit-type"
          value={filters.object_type}
          onChange={text("object_type")}
          aria-label="Object type"
        >
          <option value="">keys, groups and orgs</option>
          <option value="key">keys</option>
          <option value="group">groups</option>
          <option value="org">orgs</option>
        </select>
        <input
          id="audit-object"
          placeholder="object id"
          value={filters.object_id}
          onInput={text("object_id")}
        />
        <input
          id="audit-action"
          placeholder="action (key.revoke)"
          value={filters.action}
          onInput={text("action")}
        />
        <input
          id="audit-actor"
          placeholder="actor (master:ops)"
          value={filters.actor}
          onInput={text("actor")}
        />
        <button type="submit">Filter</button>
      </form>
      {error !== null && (
        <p class="error-text" id="audit-error">
          {error}
        </p>
      )}
      {entries === null ? (
        error === null && <p class="muted">Loading the audit log…</p>
      ) : (
        <table id="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Object</th>
              <th>Actor</th>
              <th>Request</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  No changes recorded{applied === NO_FILTERS ? "" : " that match"}.
                </td>
              </tr>
            )}
            {entries.map((entry, index) => (
              <Fragment key={`${entry.ts}-${index}`}>
                <tr
                  data-action={entry.action}
                  data-object={entry.object_id}
                  class="clickable"
                  onClick={() => setOpen(open === index ? null : index)}
                >
                  <td>{formatWhen(entry.ts, "")}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.object_type} {entry.object_id}
                  </td>
                  <td>
                    {entry.actor}
                    {entry.actor_ip !== null && <span class="muted"> from {entry.actor_ip}</span>}
                  </td>
                  <td class="muted">{entry.request_id ?? ""}</td>
                </tr>
                {open === index && (
                  <tr>
                    <td colSpan={5}>
                      <pre class="raw">{`before: ${JSON.stringify(entry.before, null, 2)}\nafter: ${JSON.stringify(entry.after, null, 2)}`}</pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {cursor !== null && (
        <div class="actions">
          <button type="button" class="secondary" id="audit-more" onClick={() => read(true)}>
            Older entries
          </button>
        </div>
      )}
    </>
  );
}
