import { useEffect, useState } from "preact/hooks";

/**
 * The admin key the console signs in with: asked once, kept for this browser tab only (sessionStorage, gone
 * when the tab closes), sent in the Authorization header of the console's own requests and never put in a URL
 * or written to the browser's console.
 */
const STORAGE = "switchyard-console-admin-key";

export type SessionState =
  /** No key, and none asked for yet: the gateway may not need one. */
  | { kind: "anonymous" }
  /** A request was refused for want of a key (or with the key held): the page asks for one. */
  | { kind: "needed"; reason: string }
  | { kind: "signed-in" };

type Listener = (state: SessionState) => void;

let state: SessionState = readKey() === null ? { kind: "anonymous" } : { kind: "signed-in" };
/** Counts sign-ins, so pages that were refused read their data again. */
let generation = 0;
const listeners = new Set<Listener>();

function readKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

function publish(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener(next);
}

export function sessionState(): SessionState {
  return state;
}

export function sessionGeneration(): number {
  return generation;
}

/** The Authorization header of the console's requests, when signed in. */
export function authorization(): Record<string, string> {
  const key = readKey();
  return key === null ? {} : { authorization: `Bearer ${key}` };
}

export function keepKey(key: string): void {
  sessionStorage.setItem(STORAGE, key);
  generation++;
  publish({ kind: "signed-in" });
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE);
  generation++;
  publish({ kind: "anonymous" });
}

/**
 * A 401 from the gateway: the key held (if any) no longer opens it, so it is dropped and the page asks again,
 * saying why.
 */
export function refused(message: string): void {
  const hadKey = readKey() !== null;
  sessionStorage.removeItem(STORAGE);
  publish({
    kind: "needed",
    reason: hadKey ? `The gateway no longer accepts the key this tab held: ${message}` : message,
  });
}

/** The session, re-rendering the component when it changes. */
export function useSession(): { state: SessionState; generation: number } {
  const [current, setCurrent] = useState({ state, generation });
  useEffect(() => {
    const listener: Listener = (next) => setCurrent({ state: next, generation });
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return current;
}

/** The user asked to sign in (or to change the key): the page shows the form. */
export function askForKey(): void {
  publish({ kind: "needed", reason: "" });
}

/** Back to the pages without signing in (the form's Cancel). */
export function cancelSignIn(): void {
  publish(readKey() === null ? { kind: "anonymous" } : { kind: "signed-in" });
}

/** What the gateway says of its console's access control (`GET <path>/api/access`). */
export interface ConsoleAccess {
  dataNeedsKey: boolean;
  adminApi: boolean;
}

let access: ConsoleAccess = { dataNeedsKey: false, adminApi: false };

export function consoleAccess(): ConsoleAccess {
  return access;
}

/**
 * Learns whether the gateway wants a key before the pages read anything, so the page asks for the admin key at
 * once rather than after a refused request.
 */
export async function learnAccess(base: string): Promise<void> {
  const response = await fetch(`${base}/api/access`);
  if (!response.ok) return;
  access = (await response.json()) as ConsoleAccess;
  if (access.dataNeedsKey && readKey() === null) askForKey();
}
