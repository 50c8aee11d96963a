import { useState } from "preact/hooks";
import type { KeyWithSecret } from "./admin-wire.js";

/** Copies with the Clipboard API where the browser allows it, else through a selected text field. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard !== undefined) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const field = document.createElement("textarea");
  field.value = text;
  document.body.append(field);
  field.select();
  const copied = document.execCommand("copy");
  field.remove();
  if (!copied) throw new Error("the browser did not copy");
}

/**
 * A new secret (a created or rotated key), shown this once: it is in no later answer of the gateway. Held in
 * the page's memory only, and gone when dismissed or when the page is left.
 */
export function SecretOnce({ created, dismiss }: { created: KeyWithSecret; dismiss: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (): void => {
    copyText(created.key).then(
      () => setCopied("Copied."),
      (error: Error) => setCopied(`Could not copy (${error.message}): select the key and copy it.`),
    );
  };
  return (
    <div class="secret-once" id="new-secret" data-key-id={created.id} role="status">
      <p>
        <b>
          The secret of key {created.alias ?? created.id} ({created.id}) is shown this once: store it now.
        </b>{" "}
        The gateway keeps only its digest; rotate the key if it is lost.
      </p>
      <code id="new-secret-value">{created.key}</code>
      <div class="actions">
        <button type="button" id="copy-secret" onClick={copy}>
          Copy
        </button>{" "}
        <button type="button" class="secondary" id="dismiss-secret" onClick={dismiss}>
          Done
        </button>{" "}
        {copied !== null && (
          <span class="muted" id="copy-status">
            {copied}
          </span>
        )}
      </div>
    </div>
  );
}
