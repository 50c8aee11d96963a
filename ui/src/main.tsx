import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type ConsolePage, PAGES } from "./pages.js";

function pageFromHash(): ConsolePage {
  const id = window.location.hash.replace(/^#\/?/, "");
  return PAGES.find((page) => page.id === id) ?? (PAGES[0] as ConsolePage);
}

/** The shell: the navigation and the current page, chosen by the address's hash (`#/traffic`). */
function Console() {
  const [page, setPage] = useState(pageFromHash);
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
      </header>
      <main id={`page-${page.id}`}>
        <Page key={page.id} />
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root !== null) {
  root.textContent = "";
  render(<Console />, root);
}
