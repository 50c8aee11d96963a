import type { RoutesView } from "../../src/console/console-wire.js";
import { gatewayJson } from "./session/gateway-request.js";

/** The path the gateway serves the console at (`console.path`), written into the page by the gateway. */
export const BASE = document.body.dataset.base ?? "/ui";

export function fetchRoutes(): Promise<RoutesView> {
  return gatewayJson<RoutesView>(`${BASE}/api/routes`);
}

export function eventsUrl(route: string | null): string {
  return route === null ? `${BASE}/api/events` : `${BASE}/api/events?route=${encodeURIComponent(route)}`;
}
