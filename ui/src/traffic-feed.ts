import { useEffect, useState } from "preact/hooks";
import type { RoutesView, TrafficPoint, TrafficUpdate } from "../../src/console/console-wire.js";
import { eventsUrl } from "./api.js";

/** Seconds the page keeps: as many as the gateway sends on connect, never more (a fixed ring). */
export const KEPT_SECONDS = 600;

export type FeedStatus = "connecting" | "live" | "offline";

export interface TrafficFeed {
  status: FeedStatus;
  points: TrafficPoint[];
  routes: RoutesView | null;
  /** Updates received, for showing (and testing) that data flows. */
  updates: number;
}

/**
 * The gateway's live traffic for all routes or one: the kept history on connect, then each second. The
 * browser's EventSource reconnects by itself when the stream drops, and the next snapshot replaces the points.
 */
export function useTrafficFeed(route: string | null): TrafficFeed {
  const [feed, setFeed] = useState<TrafficFeed>({
    status: "connecting",
    points: [],
    routes: null,
    updates: 0,
  });
  useEffect(() => {
    setFeed({ status: "connecting", points: [], routes: null, updates: 0 });
    const source = new EventSource(eventsUrl(route));
    const apply = (event: MessageEvent<string>, replace: boolean): void => {
      const update = JSON.parse(event.data) as TrafficUpdate;
      setFeed((previous) => {
        const points = replace ? update.points : previous.points.concat(update.points);
        return {
          status: "live",
          points: points.length > KEPT_SECONDS ? points.slice(points.length - KEPT_SECONDS) : points,
          routes: update.routes,
          updates: previous.updates + 1,
        };
      });
    };
    source.addEventListener("snapshot", (event) => apply(event as MessageEvent<string>, true));
    source.addEventListener("tick", (event) => apply(event as MessageEvent<string>, false));
    source.onerror = () => setFeed((previous) => ({ ...previous, status: "offline" }));
    return () => source.close();
  }, [route]);
  return feed;
}
