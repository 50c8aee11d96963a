import { useEffect, useState } from "preact/hooks";
import type { RoutesView, TrafficPoint, TrafficUpdate } from "../../src/console/console-wire.js";
import { eventsUrl } from "./api.js";
import { SseFrames } from "./playground/sse-frames.js";
import { useSession } from "./session/admin-session.js";
import { gatewayFetch } from "./session/gateway-request.js";

/** Seconds the page keeps: as many as the gateway sends on connect, never more (a fixed ring). */
export const KEPT_SECONDS = 600;
/** Wait before connecting again after the stream dropped. */
const RECONNECT_MS = 2000;

export type FeedStatus = "connecting" | "live" | "offline";

export interface TrafficFeed {
  status: FeedStatus;
  points: TrafficPoint[];
  routes: RoutesView | null;
  /** Updates received, for showing (and testing) that data flows. */
  updates: number;
  /** Why the gateway refused the stream (a missing or wrong key), if it did. */
  refusal: string | null;
}

const EMPTY: TrafficFeed = { status: "connecting", points: [], routes: null, updates: 0, refusal: null };

/**
 * The gateway's live traffic for all routes or one: the kept history on connect, then each second. Read with
 * `fetch` rather than an EventSource so the admin key goes in a header (never in the URL); a dropped stream is
 * opened again, and its snapshot replaces the points. A refusal (401) stops until the next sign-in.
 */
export function useTrafficFeed(route: string | null): TrafficFeed {
  const [feed, setFeed] = useState<TrafficFeed>(EMPTY);
  const { generation } = useSession();
  useEffect(() => {
    setFeed(EMPTY);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = (update: TrafficUpdate, replace: boolean): void =>
      setFeed((previous) => {
        const points = replace ? update.points : previous.points.concat(update.points);
        return {
          status: "live",
          points: points.length > KEPT_SECONDS ? points.slice(points.length - KEPT_SECONDS) : points,
          routes: update.routes,
          updates: previous.updates + 1,
          refusal: null,
        };
      });
    const connect = async (): Promise<void> => {
      try {
        const response = await gatewayFetch(eventsUrl(route), {
          headers: { accept: "text/event-stream" },
          signal: controller.signal,
        });
        if (!response.ok || response.body === null)
          throw new Error(`the gateway answered ${response.status}`);
        const frames = new SseFrames();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const event of frames.pushEvents(value))
            if (event.event === "snapshot" || event.event === "tick")
              apply(JSON.parse(event.data) as TrafficUpdate, event.event === "snapshot");
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        if ((error as { status?: number }).status === 401) {
          setFeed((previous) => ({ ...previous, status: "offline", refusal: (error as Error).message }));
          return;
        }
      }
      if (controller.signal.aborted) return;
      setFeed((previous) => ({ ...previous, status: "offline" }));
      timer = setTimeout(() => void connect(), RECONNECT_MS);
    };
    void connect();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [route, generation]);
  return feed;
}
