import { useState } from "preact/hooks";
import { admin } from "./admin-client.js";
import type { GroupView, OrgView } from "./admin-wire.js";
import { FieldError, type FieldProblem, fieldProblemOf, isShownBesideField } from "./field-error.js";
import {
  type BudgetDraft,
  budgetsBody,
  budgetsDraftOf,
  EMPTY_LIMITS,
  type LimitsDraft,
  LimitsFields,
  limitsBody,
  limitsDraftOf,
} from "./limits-fields.js";
import { summarize, summarizeBudgets } from "./record-format.js";

interface Props {
  groups: GroupView[];
  orgs: OrgView[];
  changed: () => void;
  failed: (message: string) => void;
}

interface HierarchyDraft {
  kind: "group" | "org";
  id: string;
  org: string;
  limits: LimitsDraft;
  budgets: BudgetDraft[];
}

const EMPTY: HierarchyDraft = { kind: "group", id: "", org: "", limits: EMPTY_LIMITS, budgets: [] };

/** Groups (teams) and the orgs they belong to, with their limits and budgets: list, create, change. */
export function GroupsSection({ groups, orgs, changed, failed }: Props) {
  const [draft, setDraft] = useState<HierarchyDraft>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const text = (name: "kind" | "id" | "org") => (event: Event) =>
    setDraft({ ...draft, [name]: (event.target as HTMLInputElement).value });

  const submit = (event: Event): void => {
    event.preventDefault();
    const body: Record<string, unknown> = {
      limits: limitsBody(draft.limits),
      budgets: budgetsBody(draft.budgets),
      ...(draft.kind === "group" ? { org: draft.org === "" ? null : draft.org } : {}),
    };
    const action =
      editing !== null
        ? draft.kind === "group"
          ? admin.updateGroup(editing, body)
          : admin.updateOrg(editing, body)
        : draft.kind === "group"
          ? admin.createGroup({ id: draft.id, ...dropNulls(body) })
          : admin.createOrg({ id: draft.id, ...dropNulls(body) });
    action.then(
      () => {
        setDraft(EMPTY);
        setEditing(null);
        setProblem(null);
        changed();
      },
      (error: Error) => {
        const named = fieldProblemOf(error);
        setProblem(isShownBesideField(named) ? named : null);
        if (!isShownBesideField(named)) failed(error.message);
      },
    );
  };
  const edit = (kind: "group" | "org", record: GroupView | OrgView): void => {
    setEditing(record.id);
    setDraft({
      kind,
      id: record.id,
      org: "org" in record ? (record.org ?? "") : "",
      limits: limitsDraftOf(record.limits),
      budgets: budgetsDraftOf(record.budgets),
    });
    setProblem(null);
  };
  const rows: { kind: "group" | "org"; record: GroupView | OrgView }[] = [
    ...orgs.map((record) => ({ kind: "org" as const, record })),
    ...groups.map((record) => ({ kind: "group" as const, record })),
  ];
  return (
    <section id="groups">
      <h2>Groups and orgs</h2>
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Kind</th>
            <th>Org</th>
            <th>Limits</th>
            <th>Budgets</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No groups or orgs yet: a group gathers keys under shared limits and budgets.
              </td>
            </tr>
          )}
          {rows.map(({ kind, record }) => (
            <tr
              key={`${kind}-${record.id}`}
              data-group={kind === "group" ? record.id : undefined}
              data-org={kind === "org" ? record.id : undefined}
            >
              <td>
                <b>{record.id}</b>
              </td>
              <td>{kind}</td>
              <td>{"org" in record ? (record.org ?? "–") : ""}</td>
              <td>{summarize(record.limits)}</td>
              <td>{summarizeBudgets(record.budgets)}</td>
              <td>
                {record.managed_by === "config" ? (
                  <span class="muted">from the config file</span>
                ) : (
                  <button type="button" class="secondary" onClick={() => edit(kind, record)}>
                    Edit
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="panel form-grid" id="group-form" onSubmit={submit} noValidate>
        <h3 class="section">{editing === null ? "New group or org" : `Change ${draft.kind} ${editing}`}</h3>
        <label for="group-kind">Kind</label>
        <select id="group-kind" value={draft.kind} disabled={editing !== null} onChange={text("kind")}>
          <option value="group">group</option>
          <option value="org">org</option>
        </select>
        <label for="group-id">Id</label>
        <div>
          <input
            id="group-id"
            value={draft.id}
            disabled={editing !== null}
            onInput={text("id")}
            placeholder="search-team"
          />
          <FieldError problem={problem} name="id" />
        </div>
        {draft.kind === "group" && (
          <>
            <label for="group-org">Org</label>
            <select id="group-org" value={draft.org} onChange={text("org")}>
              <option value="">(none)</option>
              {orgs.map((org) => (
                <option key={org.id} value={org.id}>
                  {org.id}
                </option>
              ))}
            </select>
          </>
        )}
        <LimitsFields
          prefix="group"
          limits={draft.limits}
          budgets={draft.budgets}
          change={(patch) => setDraft({ ...draft, ...patch })}
          problem={problem}
        />
        <div class="actions">
          <button type="submit" id="group-save">
            {editing === null ? "Create" : "Save changes"}
          </button>{" "}
          {editing !== null && (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setEditing(null);
                setDraft(EMPTY);
                setProblem(null);
              }}
            >
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function dropNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
}
