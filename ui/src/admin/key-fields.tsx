import type { GroupView, KeyView } from "./admin-wire.js";

/** What the key form holds, as typed: lists as comma-separated text, limits and budgets as JSON text. */
export interface KeyDraft {
  alias: string;
  group: string;
  routes: string;
  models: string;
  /** `datetime-local` value (local time), or empty for no expiry. */
  expiresAt: string;
  limits: string;
  budgets: string;
}

export const EMPTY_DRAFT: KeyDraft = {
  alias: "",
  group: "",
  routes: "",
  models: "",
  expiresAt: "",
  limits: "",
  budgets: "",
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
    limits: key.limits === null ? "" : JSON.stringify(key.limits),
    budgets: key.budgets === null ? "" : JSON.stringify(key.budgets),
  };
}

/** A form field the page could not read: named, so the message says which. */
export class DraftError extends Error {}

function list(text: string): string[] | null {
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.length === 0 ? null : items;
}

export function jsonField(text: string, name: string, shape: "object" | "array"): unknown {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DraftError(
      `${name} must be JSON, e.g. ${shape === "object" ? '{"rpm": 60}' : '[{"amount_usd": "10", "period": "day"}]'}.`,
    );
  }
  if (
    shape === "array"
      ? !Array.isArray(value)
      : typeof value !== "object" || value === null || Array.isArray(value)
  )
    throw new DraftError(`${name} must be a JSON ${shape === "object" ? "object" : "array"}.`);
  return value;
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
    limits: jsonField(draft.limits, "Limits", "object"),
    budgets: jsonField(draft.budgets, "Budgets", "array"),
  };
  if (forCreate) for (const name of Object.keys(body)) if (body[name] === null) delete body[name];
  return body;
}

/** The fields of a key, for the create form and the editor alike. */
export function KeyFields({
  draft,
  groups,
  change,
  prefix,
}: {
  draft: KeyDraft;
  groups: GroupView[];
  change: (patch: Partial<KeyDraft>) => void;
  prefix: string;
}) {
  const text = (name: keyof KeyDraft) => (event: Event) =>
    change({ [name]: (event.target as HTMLInputElement).value } as Partial<KeyDraft>);
  return (
    <div class="form-grid">
      <label for={`${prefix}-alias`}>Alias</label>
      <input id={`${prefix}-alias`} value={draft.alias} onInput={text("alias")} placeholder="billing-app" />
      <label for={`${prefix}-group`}>Group</label>
      <select id={`${prefix}-group`} value={draft.group} onChange={text("group")}>
        <option value="">(none)</option>
        {groups.map((group) => (
          <option key={group.id} value={group.id}>
            {group.id}
          </option>
        ))}
      </select>
      <label for={`${prefix}-routes`}>Routes</label>
      <input
        id={`${prefix}-routes`}
        value={draft.routes}
        onInput={text("routes")}
        placeholder="all routes; or chat, embed-*"
      />
      <label for={`${prefix}-models`}>Models</label>
      <input
        id={`${prefix}-models`}
        value={draft.models}
        onInput={text("models")}
        placeholder="all models; or gpt-4o*"
      />
      <label for={`${prefix}-expires`}>Expires</label>
      <input
        id={`${prefix}-expires`}
        type="datetime-local"
        value={draft.expiresAt}
        onInput={text("expiresAt")}
      />
      <label for={`${prefix}-limits`}>Limits (JSON)</label>
      <input
        id={`${prefix}-limits`}
        value={draft.limits}
        onInput={text("limits")}
        placeholder='{"rpm": 60, "tpm": 100000}'
      />
      <label for={`${prefix}-budgets`}>Budgets (JSON)</label>
      <input
        id={`${prefix}-budgets`}
        value={draft.budgets}
        onInput={text("budgets")}
        placeholder='[{"amount_usd": "10", "period": "day"}]'
      />
    </div>
  );
}
