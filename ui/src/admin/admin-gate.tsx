import type { ComponentChildren } from "preact";
import { askForKey, consoleAccess, useSession } from "../session/admin-session.js";

/**
 * The admin pages need the admin API and the admin key: without either, the page says what is missing
 * instead of sending requests the gateway would refuse.
 */
export function AdminGate({ children }: { children: ComponentChildren }) {
  const { state } = useSession();
  if (!consoleAccess().adminApi)
    return (
      <p class="muted" id="admin-off">
        This gateway does not serve its admin API: configure master keys (governance.admin.master_keys, see
        docs/access-control.md) and restart it to manage keys, budgets and usage here.
      </p>
    );
  if (state.kind !== "signed-in")
    return (
      <p id="admin-sign-in">
        This page needs the gateway's admin key.{" "}
        <button type="button" onClick={askForKey}>
          Sign in
        </button>
      </p>
    );
  return <>{children}</>;
}
