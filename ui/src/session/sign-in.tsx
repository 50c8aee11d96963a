import { useState } from "preact/hooks";
import { BASE } from "../api.js";
import { cancelSignIn, consoleAccess, keepKey } from "./admin-session.js";
import { errorOf } from "./gateway-request.js";

type Check = { ok: true } | { ok: false; message: string };

/**
 * Whether the gateway takes this key: the admin API first (a master key), and where the admin API is off, the
 * console's own data (which any key of the gateway opens). Sent in a header only, and kept only if it works.
 */
async function checkKey(key: string): Promise<Check> {
  const headers = { authorization: `Bearer ${key}` };
  const admin = consoleAccess().adminApi ? await fetch("/admin/v1/keys?limit=1", { headers }) : undefined;
  if (admin?.ok) return { ok: true };
  if (admin === undefined || admin.status === 404) {
    const data = await fetch(`${BASE}/api/routes`, { headers });
    if (data.ok) return { ok: true };
    return { ok: false, message: (await errorOf(data)).message };
  }
  return { ok: false, message: (await errorOf(admin)).message };
}

/** Asks for the admin key once per browser tab, says plainly why a key was refused, and keeps one that works. */
export function SignIn({ reason }: { reason: string }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const submit = (event: Event): void => {
    event.preventDefault();
    const typed = key.trim();
    if (typed === "") {
      setError("Type the admin key (a master key from governance.admin.master_keys).");
      return;
    }
    setChecking(true);
    setError(null);
    checkKey(typed).then(
      (check) => {
        setChecking(false);
        if (check.ok) keepKey(typed);
        else setError(`The gateway refused this key: ${check.message}`);
      },
      (failure: Error) => {
        setChecking(false);
        setError(`Could not reach the gateway: ${failure.message}`);
      },
    );
  };
  return (
    <form class="sign-in" id="sign-in" onSubmit={submit}>
      <h2>Sign in</h2>
      {reason !== "" && (
        <p class="muted" id="sign-in-reason">
          {reason}
        </p>
      )}
      <p>
        This gateway needs a key for its console. Type its admin key (a master key); it is kept in this
        browser tab only and sent to this gateway alone.
      </p>
      <label for="sign-in-key">Admin key</label>
      <input
        id="sign-in-key"
        type="password"
        autocomplete="off"
        spellcheck={false}
        value={key}
        onInput={(event) => setKey((event.target as HTMLInputElement).value)}
      />
      {error !== null && (
        <p class="error-text" id="sign-in-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" id="sign-in-submit" disabled={checking}>
          {checking ? "Checking…" : "Sign in"}
        </button>{" "}
        <button type="button" class="secondary" onClick={cancelSignIn}>
          Cancel
        </button>
      </div>
    </form>
  );
}
