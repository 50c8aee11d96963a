import type { FunctionComponent } from "preact";
import { AuditPage } from "./admin/audit-page.js";
import { KeysPage } from "./admin/keys-page.js";
import { UsagePage } from "./usage/usage-page.js";
import { PlaygroundPage } from "./views/playground-page.js";
import { RoutesPage } from "./views/routes-page.js";
import { TrafficPage } from "./views/traffic-page.js";

export interface ConsolePage {
  /** The page's address: `#/<id>`. */
  id: string;
  title: string;
  component: FunctionComponent;
}

/** The console's pages, in the navigation's order. A new page is one more entry. */
export const PAGES: readonly ConsolePage[] = [
  { id: "routes", title: "Routes", component: RoutesPage },
  { id: "traffic", title: "Traffic", component: TrafficPage },
  { id: "usage", title: "Usage and budgets", component: UsagePage },
  { id: "keys", title: "Keys", component: KeysPage },
  { id: "audit", title: "Audit log", component: AuditPage },
  { id: "playground", title: "Playground", component: PlaygroundPage },
];
