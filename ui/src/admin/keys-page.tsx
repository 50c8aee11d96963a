import { useEffect, useState } from "preact/hooks";
import { adminProblem } from "./admin-availability.js";
import { admin } from "./admin-client.js";
import { AdminGate } from "./admin-gate.js";
import type { GroupView, KeyView, KeyWithSecret, OrgView } from "./admin-wire.js";
import { GroupsSection } from "./groups-section.js";
import { bodyOf, EMPTY_DRAFT, KeyFields } from "./key-fields.js";
import { KeyRow } from "./key-row.js";
import { SecretOnce } from "./secret-once.js";

interface Loaded {
  keys: KeyView[];
  groups: GroupView[];
  orgs: OrgView[];
}

/** Gateway keys, their groups and orgs: create, rotate, disable, revoke, change scopes and limits. */
export function KeysPage() {
  return (
    <AdminGate>
      <KeysPageContent />
    </AdminGate>
  );
}

function KeysPageContent() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [secret, setSecret] = useState<KeyWithSecret | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    let current = true;
    Promise.all([admin.listKeys(status === "" ? {} : { status }), admin.listGroups(), admin.listOrgs()]).then(
      ([keys, groups, orgs]) => {
        if (!current) return;
        setLoaded({ keys: keys.data, groups: groups.data, orgs: orgs.data });
        setLoadError(null);
      },
      (error: unknown) => current && setLoadError(adminProblem(error)),
    );
    return () => {
      current = false;
    };
  }, [status, reads]);

  const reload = (newSecret?: KeyWithSecret): void => {
    setProblem(null);
    if (newSecret !== undefined) setSecret(newSecret);
    setReads((count) => count + 1);
  };
  const create = (event: Event): void => {
    event.preventDefault();
    let body: Record<string, unknown>;
    try {
      body = bodyOf(draft, true);
    } catch (error) {
      setProblem((error as Error).message);
      return;
    }
    setCreating(true);
    admin.createKey(body).then(
      (created) => {
        setCreating(false);
        setDraft(EMPTY_DRAFT);
        reload(created);
      },
      (error: Error) => {
        setCreating(false);
        setProblem(error.message);
      },
    );
  };

  if (loadError !== null)
    return (
      <p class="error-text" id="keys-error">
        {loadError}
      </p>
    );
  if (loaded === null) return <p class="muted">Loading the keys…</p>;
  return (
    <>
      {secret !== null && <SecretOnce created={secret} dismiss={() => setSecret(null)} />}
      {problem !== null && (
        <p class="error-text" id="keys-problem" role="alert">
          {problem}
        </p>
      )}
      <form class="panel" id="create-key" onSubmit={create}>
        <h2>New key</h2>
        <KeyFields
          draft={draft}
          groups={loaded.groups}
          prefix="new-key"
          change={(patch) => setDraft({ ...draft, ...patch })}
        />
        <div class="actions">
          <button type="submit" id="new-key-create" disabled={creating}>
            Create key
          </button>
        </div>
      </form>
      <div class="toolbar">
        <h2>Keys</h2>
        <label for="keys-status">Show</label>
        <select
          id="keys-status"
          value={status}
          onChange={(event) => setStatus((event.target as HTMLSelectElement).value)}
        >
          <option value="">active, disabled and revoked</option>
          <option value="active">active</option>
          <option value="disabled">disabled</option>
          <option value="revoked">revoked</option>
          <option value="deleted">deleted</option>
        </select>
        <span class="muted">{loaded.keys.length} keys</span>
      </div>
      <table id="keys">
        <thead>
          <tr>
            <th>Alias and id</th>
            <th>Group</th>
            <th>Status</th>
            <th>Scopes</th>
            <th>Limits and budgets</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {loaded.keys.map((record) => (
            <KeyRow
              key={`${record.id}-${record.version}`}
              record={record}
              groups={loaded.groups}
              changed={reload}
              failed={setProblem}
            />
          ))}
        </tbody>
      </table>
      <GroupsSection groups={loaded.groups} orgs={loaded.orgs} changed={() => reload()} failed={setProblem} />
    </>
  );
}
