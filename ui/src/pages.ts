import type { FunctionComponent } from "preact";
import { PlaygroundPage } from "./views/playground-page.js";
import { RoutesPage } from "./views/routes-page.js";
import { TrafficPage } from "./views/traffic-page.js";

export interface ConsolePage {
  /** The page's address: `#/<id>`. */
  id: string;
  title: string;
  component: FunctionComponent;
}

/** The console's pages, in the navigation's order. A new page (keys, budgets, usage) is one more entry. */
export const PAGES: readonly ConsolePage[] = [
  { id: "routes", title: "Routes", component: RoutesPage },
  { id: "traffic", title: "Traffic", component: TrafficPage },
  { id: "playground", title: "Playground", component: PlaygroundPage },
];
