import type { RoutesView } from "../../src/console/console-wire.js";

/** The path the gateway serves the console at (`console.path`), written into the page by the gateway. */
export const BASE = document.body.dataset.base ?? "/ui";

export async function fetchRoutes(): Promise<RoutesView> {
  const response = await fetch(`${BASE}/api/routes`);
  if (!response.ok) throw new Error(`the gateway answered ${response.status}`);
  return (await response.json()) as RoutesView;
}

export function eventsUrl(route: string | null): string {
  return route === null ? `${BASE}/api/events` : `${BASE}/api/events?route=${encodeURIComponent(route)}`;
}
