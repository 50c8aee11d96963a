import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { BASE } from "./api.js";
import { type ConsolePage, PAGES } from "./pages.js";
import { askForKey, learnAccess, signOut, useSession } from "./session/admin-session.js";
import { SignIn } from "./session/sign-in.js";

function pageFromHash(): ConsolePage {
  const id = window.location.hash.replace(/^#\/?/, "");
  return PAGES.find((page) => page.id === id) ?? (PAGES[0] as ConsolePage);
}

/**
 * The shell: the navigation, the sign-in state and the current page, chosen by the address's hash
 * (`#/traffic`). A refused request anywhere shows the sign-in form; signing in shows the page afresh.
 */
function Console() {
  const [page, setPage] = useState(pageFromHash);
  const session = useSession();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const done = (): void => setReady(true);
    learnAccess(BASE).then(done, done);
  }, []);
  useEffect(() => {
    const follow = (): void => setPage(pageFromHash());
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  useEffect(() => {
    document.title = `${page.title} · Switchyard console`;
  }, [page]);
  const Page = page.component;
  return (
    <>
      <header class="shell">
        <h1>Switchyard</h1>
        <nav>
          {PAGES.map((entry) => (
            <a key={entry.id} href={`#/${entry.id}`} aria-current={entry.id === page.id ? "page" : undefined}>
              {entry.title}
            </a>
          ))}
        </nav>
        <span class="session" id="session" data-state={session.state.kind}>
          {session.state.kind === "signed-in" ? (
            <>
              signed in{" "}
              <button type="button" class="link" id="sign-out" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <button type="button" class="link" id="sign-in-open" onClick={askForKey}>
              Sign in
            </button>
          )}
        </span>
      </header>
      <main id={`page-${page.id}`}>
        {!ready ? (
          <p class="muted">Loading…</p>
        ) : session.state.kind === "needed" ? (
          <SignIn reason={session.state.reason} />
        ) : (
          <Page key={`${page.id}-${session.generation}`} />
        )}
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root !== null) {
  root.textContent = "";
  render(<Console />, root);
}
