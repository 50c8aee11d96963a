import type { TrafficRecorder } from "../../observability/traffic-recorder.js";
import { CLIENT_CLOSED_REQUEST, type RequestWatcher } from "../request-outcome.js";

/** The header the console's playground tags its requests with, so its traffic can be told apart. */
export const CONSOLE_SOURCE_HEADER = "x-switchyard-source";
export const CONSOLE_SOURCE = "console";

/**
 * Counts every API request (one with an observation: a route was found) in the console's per-second buckets
 * when it ends. Watched only when the console is on, so a gateway without it does no work for it.
 */
export function consoleTrafficWatcher(recorder: TrafficRecorder): RequestWatcher {
  return {
    ended: (request, reply, status) => {
      const observation = request.observation;
      if (observation === null) return;
      const usage = observation.usage;
      recorder.record({
        route: observation.route,
        status,
        elapsedMs: status === CLIENT_CLOSED_REQUEST ? undefined : reply.elapsedTime,
        ttftMs: observation.streaming ? observation.upstreamMs : undefined,
        tokensIn: usage?.inputTokens ?? 0,
        tokensOut: usage?.outputTokens ?? 0,
        fromPlayground: request.headers[CONSOLE_SOURCE_HEADER] === CONSOLE_SOURCE,
      });
    },
  };
}
