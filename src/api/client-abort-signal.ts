import type { ServerResponse } from "node:http";
import { GatewayError } from "../canonical/index.js";
import { type CancelSignal, CancelSource } from "../routing/cancel-signal.js";

/**
 * A signal that fires when the client goes away before its response is complete, so that the upstream call
 * it was waiting for is cancelled rather than left to run (and bill) for nobody.
 */
export function clientAbortSignal(response: ServerResponse): CancelSignal {
  const source = new CancelSource();
  response.once("close", () => {
    if (!response.writableFinished) {
      source.cancel(
        new GatewayError(
          "internal_error",
          "The client closed the connection before the response was complete.",
        ),
      );
    }
  });
  return source;
}
