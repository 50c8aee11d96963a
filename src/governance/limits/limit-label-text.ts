import type { LimitLabel } from "./limit-spec.js";

/** Labels are built once per scope when limits load: their text is too, on first use, not per request. */
const texts = new WeakMap<LimitLabel, string>();

/** A limit's label as the usage log writes it: `scope:id:name` (`route:chat:rpm`). */
export function limitLabelText(label: LimitLabel): string {
  let text = texts.get(label);
  if (text === undefined) {
    text = `${label.scope}:${label.id}:${label.name}`;
    texts.set(label, text);
  }
  return text;
}
