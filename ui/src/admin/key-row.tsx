import { useState } from "preact/hooks";
import { admin } from "./admin-client.js";
import type { GroupView, KeyView, KeyWithSecret } from "./admin-wire.js";
import { type FieldProblem, fieldProblemOf, isShownBesideField } from "./field-error.js";
import { bodyOf, draftOf, KeyFields } from "./key-fields.js";
import { formatWhen, summarize, summarizeBudgets } from "./record-format.js";

const DAY_SECONDS = 86_400;

interface RowProps {
  record: KeyView;
  groups: GroupView[];
  /** A change went through: the page reads the list again (and shows a new secret, if any). */
  changed: (secret?: KeyWithSecret) => void;
  failed: (message: string) => void;
}

/** One key: what it may do and its state, and the actions on it (each through the admin API). */
export function KeyRow({ record, groups, changed, failed }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<"revoke" | "rotate" | null>(null);
  const [draft, setDraft] = useState(() => draftOf(record));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const readOnly = record.managed_by === "config";
  const ended = record.status === "revoked" || record.status === "deleted";

  const run = (action: () => Promise<KeyWithSecret | KeyView>): void => {
    setBusy(true);
    action().then(
      (answer) => {
        setBusy(false);
        setConfirm(null);
        setEditing(false);
        setProblem(null);
        changed("key" in answer ? answer : undefined);
      },
      (error: Error) => {
        setBusy(false);
        // A refused field is shown beside it in the editor; anything else above the list.
        const named = fieldProblemOf(error);
        setProblem(editing && isShownBesideField(named) ? named : null);
        if (!(editing && isShownBesideField(named))) failed(error.message);
      },
    );
  };
  const save = (): void => run(() => admin.updateKey(record.id, bodyOf(draft, false)));

  return (
    <>
      <tr data-key={record.id} data-status={record.status}>
        <td>
          <b>{record.alias ?? "–"}</b>
          <div class="muted">
            <code>{record.key_hint}</code>
          </div>
        </td>
        <td>{record.group ?? "–"}</td>
        <td data-field="status">
          <span class={`badge ${record.status === "active" ? "closed" : "open"}`}>{record.status}</span>
          {readOnly && <div class="muted">from the config file</div>}
        </td>
        <td data-field="scopes">
          routes: {record.routes?.join(", ") ?? "all"}
          <div class="muted">models: {record.models?.join(", ") ?? "all"}</div>
        </td>
        <td data-field="limits">
          {summarize(record.limits)}
          <div class="muted">
            {record.budgets === null ? "" : `budgets: ${summarizeBudgets(record.budgets)}`}
          </div>
        </td>
        <td>
          {formatWhen(record.expires_at, "never")}
          <div class="muted">used {formatWhen(record.last_used_at, "never")}</div>
        </td>
        <td class="row-actions">
          {!readOnly && !ended && confirm === null && (
            <>
              <button type="button" class="secondary" disabled={busy} onClick={() => setEditing(!editing)}>
                {editing ? "Close" : "Edit"}
              </button>
              <button type="button" class="secondary" disabled={busy} onClick={() => setConfirm("rotate")}>
                Rotate
              </button>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  run(() =>
                    admin.updateKey(record.id, {
                      status: record.status === "active" ? "disabled" : "active",
                    }),
                  )
                }
              >
                {record.status === "active" ? "Disable" : "Enable"}
              </button>
              <button type="button" class="danger" disabled={busy} onClick={() => setConfirm("revoke")}>
                Revoke
              </button>
            </>
          )}
          {confirm === "revoke" && (
            <span class="confirm">
              Revoke {record.alias ?? record.id} for good?{" "}
              <button
                type="button"
                class="danger"
                data-action="confirm-revoke"
                disabled={busy}
                onClick={() => run(() => admin.revokeKey(record.id))}
              >
                Revoke now
              </button>{" "}
              <button type="button" class="secondary" onClick={() => setConfirm(null)}>
                Keep it
              </button>
            </span>
          )}
          {confirm === "rotate" && (
            <span class="confirm">
              A new secret; the old one works for:{" "}
              <button
                type="button"
                data-action="rotate-grace"
                disabled={busy}
                onClick={() => run(() => admin.rotateKey(record.id, DAY_SECONDS))}
              >
                24 h more
              </button>{" "}
              <button
                type="button"
                class="danger"
                data-action="rotate-now"
                disabled={busy}
                onClick={() => run(() => admin.rotateKey(record.id, 0))}
              >
                no longer
              </button>{" "}
              <button type="button" class="secondary" onClick={() => setConfirm(null)}>
                Cancel
              </button>
            </span>
          )}
        </td>
      </tr>
      {editing && (
        <tr class="editor" data-editing={record.id}>
          <td colSpan={7}>
            <KeyFields
              draft={draft}
              groups={groups}
              prefix={`edit-${record.id}`}
              change={(patch) => setDraft({ ...draft, ...patch })}
              problem={problem}
            />
            <div class="actions">
              <button type="button" data-action="save-key" disabled={busy} onClick={save}>
                Save changes
              </button>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
