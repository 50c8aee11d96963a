import type { ServerResponse } from "node:http";
import { GatewayError } from "../canonical/index.js";
import { type CancelSignal, CancelSource } from "../routing/cancel-signal.js";

/**
 * A signal that fires when the client goes away before its response is complete, so that the upstream call
 * it was waiting for is cancelled rather than left to run (and bill) for nobody. A client already gone when the
 * signal is made (it left while its request waited for the worker) finds it fired: nothing is sent upstream.
 */
export function clientAbortSignal(response: ServerResponse): CancelSignal {
  const source = new CancelSource();
  // Gone already: the connection closed, or the client's end of it did (Node then ends the socket, which is no
  // longer writable, before it reports the close).
  if (response.destroyed || response.socket?.writable !== true) {
    if (!response.writableFinished) source.cancel(clientClosed());
    return source;
  }
  response.once("close", () => {
    if (!response.writableFinished) source.cancel(clientClosed());
  });
  return source;
}

function clientClosed(): GatewayError {
  return new GatewayError(
    "client_closed_request",
    "The client closed the connection before the response was complete.",
  );
}
