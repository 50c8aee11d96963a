import type { GroupView, KeyView } from "./admin-wire.js";
import { FieldError, type FieldProblem } from "./field-error.js";
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

/** What the key form holds, as typed: lists as comma-separated text, limits and budgets as form fields. */
export interface KeyDraft {
  alias: string;
  group: string;
  routes: string;
  models: string;
  /** `datetime-local` value (local time), or empty for no expiry. */
  expiresAt: string;
  limits: LimitsDraft;
  budgets: BudgetDraft[];
}

export const EMPTY_DRAFT: KeyDraft = {
  alias: "",
  group: "",
  routes: "",
  models: "",
  expiresAt: "",
  limits: EMPTY_LIMITS,
  budgets: [],
};

function localDateTime(iso: string | null): string {
  if (iso === null) return "";
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function draftOf(key: KeyView): KeyDraft {
  return {
    alias: key.alias ?? "",
    group: key.group ?? "",
    routes: (key.routes ?? []).join(", "),
    models: (key.models ?? []).join(", "),
    expiresAt: localDateTime(key.expires_at),
    limits: limitsDraftOf(key.limits),
    budgets: budgetsDraftOf(key.budgets),
  };
}

function list(text: string): string[] | null {
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.length === 0 ? null : items;
}

/**
 * The admin API's body for a draft: every field, `null` for an empty one (which clears it on a change and is
 * left out on a create). The gateway checks the rest and names the field it refuses.
 */
export function bodyOf(draft: KeyDraft, forCreate: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    alias: draft.alias.trim() === "" ? null : draft.alias.trim(),
    group: draft.group === "" ? null : draft.group,
    routes: list(draft.routes),
    models: list(draft.models),
    expires_at: draft.expiresAt === "" ? null : new Date(draft.expiresAt).toISOString(),
    limits: limitsBody(draft.limits),
    budgets: budgetsBody(draft.budgets),
  };
  if (forCreate) for (const name of Object.keys(body)) if (body[name] === null) delete body[name];
  return body;
}

/** The fields of a key, for the create form and the editor alike, each with the gateway's refusal beside it. */
export function KeyFields({
  draft,
  groups,
  change,
  prefix,
  problem,
}: {
  draft: KeyDraft;
  groups: GroupView[];
  change: (patch: Partial<KeyDraft>) => void;
  prefix: string;
  problem: FieldProblem | null;
}) {
  const text = (name: "alias" | "group" | "routes" | "models" | "expiresAt") => (event: Event) =>
    change({ [name]: (event.target as HTMLInputElement).value } as Partial<KeyDraft>);
  return (
    <div class="form-grid">
      <label for={`${prefix}-alias`}>Alias</label>
      <div>
        <input id={`${prefix}-alias`} value={draft.alias} onInput={text("alias")} placeholder="billing-app" />
        <FieldError problem={problem} name="alias" />
      </div>
      <label for={`${prefix}-group`}>Group</label>
      <div>
        <select id={`${prefix}-group`} value={draft.group} onChange={text("group")}>
          <option value="">(none)</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.id}
            </option>
          ))}
        </select>
        <FieldError problem={problem} name="group" />
      </div>
      <label for={`${prefix}-routes`}>Routes</label>
      <div>
        <input
          id={`${prefix}-routes`}
          value={draft.routes}
          onInput={text("routes")}
          placeholder="all routes; or chat, embed-*"
        />
        <FieldError problem={problem} name="routes" deep />
      </div>
      <label for={`${prefix}-models`}>Models</label>
      <div>
        <input
          id={`${prefix}-models`}
          value={draft.models}
          onInput={text("models")}
          placeholder="all models; or gpt-4o*"
        />
        <FieldError problem={problem} name="models" deep />
      </div>
      <label for={`${prefix}-expires`}>Expires</label>
      <div>
        <input
          id={`${prefix}-expires`}
          type="datetime-local"
          value={draft.expiresAt}
          onInput={text("expiresAt")}
        />
        <FieldError problem={problem} name="expires_at" />
      </div>
      <LimitsFields
        prefix={prefix}
        limits={draft.limits}
        budgets={draft.budgets}
        change={(patch) => change(patch)}
        problem={problem}
      />
    </div>
  );
}
