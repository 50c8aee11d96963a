import { useEffect, useState } from "preact/hooks";
import { CursorPager } from "../components/cursor-pager.js";
import { adminProblem } from "./admin-availability.js";
import { admin } from "./admin-client.js";
import { AdminGate } from "./admin-gate.js";
import type { GroupView, KeyView, KeyWithSecret, OrgView } from "./admin-wire.js";
import { type FieldProblem, fieldProblemOf, isShownBesideField } from "./field-error.js";
import { GroupsSection } from "./groups-section.js";
import { bodyOf, EMPTY_DRAFT, KeyFields } from "./key-fields.js";
import { KeyRow } from "./key-row.js";
import { SecretOnce } from "./secret-once.js";

/** Keys shown at once: a gateway with 10,000 keys shows them a page at a time. */
export const KEYS_PAGE_SIZE = 50;

interface Loaded {
  keys: KeyView[];
  nextCursor: string | null;
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
  // The cursor of each page seen so far: the last is the page shown, the one before it "Previous".
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [secret, setSecret] = useState<KeyWithSecret | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [fieldProblem, setFieldProblem] = useState<FieldProblem | null>(null);
  const [reads, setReads] = useState(0);
  const [creating, setCreating] = useState(false);
  const cursor = cursors.at(-1);

  useEffect(() => {
    let current = true;
    Promise.all([
      admin.listKeys({ limit: String(KEYS_PAGE_SIZE), ...(status === "" ? {} : { status }), cursor }),
      admin.listGroups(),
      admin.listOrgs(),
    ]).then(
      ([keys, groups, orgs]) => {
        if (!current) return;
        setLoaded({ keys: keys.data, nextCursor: keys.next_cursor, groups: groups.data, orgs: orgs.data });
        setLoadError(null);
      },
      (error: unknown) => current && setLoadError(adminProblem(error)),
    );
    return () => {
      current = false;
    };
  }, [status, cursor, reads]);

  const reload = (newSecret?: KeyWithSecret): void => {
    setProblem(null);
    if (newSecret !== undefined) setSecret(newSecret);
    setReads((count) => count + 1);
  };
  const create = (event: Event): void => {
    event.preventDefault();
    setCreating(true);
    admin.createKey(bodyOf(draft, true)).then(
      (created) => {
        setCreating(false);
        setDraft(EMPTY_DRAFT);
        setFieldProblem(null);
        reload(created);
      },
      (error: Error) => {
        setCreating(false);
        const named = fieldProblemOf(error);
        setFieldProblem(isShownBesideField(named) ? named : null);
        setProblem(isShownBesideField(named) ? null : error.message);
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
  const first = (cursors.length - 1) * KEYS_PAGE_SIZE + 1;
  return (
    <>
      {secret !== null && <SecretOnce created={secret} dismiss={() => setSecret(null)} />}
      {problem !== null && (
        <p class="error-text" id="keys-problem" role="alert">
          {problem}
        </p>
      )}
      <form class="panel" id="create-key" onSubmit={create} noValidate>
        <h2>New key</h2>
        <KeyFields
          draft={draft}
          groups={loaded.groups}
          prefix="new-key"
          change={(patch) => setDraft({ ...draft, ...patch })}
          problem={fieldProblem}
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
          onChange={(event) => {
            setStatus((event.target as HTMLSelectElement).value);
            setCursors([undefined]);
          }}
        >
          <option value="">active, disabled and revoked</option>
          <option value="active">active</option>
          <option value="disabled">disabled</option>
          <option value="revoked">revoked</option>
          <option value="deleted">deleted</option>
        </select>
        <span class="muted" id="keys-range">
          {loaded.keys.length === 0 ? "no keys" : `keys ${first}–${first + loaded.keys.length - 1}`}
        </span>
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
      <CursorPager id="keys" cursors={cursors} setCursors={setCursors} nextCursor={loaded.nextCursor} />
      <GroupsSection groups={loaded.groups} orgs={loaded.orgs} changed={() => reload()} failed={setProblem} />
    </>
  );
}
