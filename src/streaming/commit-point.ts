import { GatewayError, type StreamEvent } from "../canonical/index.js";

/**
 * The commit point of a stream, in one place: nothing is sent to the client until the upstream's first event
 * has arrived. A failure before it is thrown, so the caller can still retry, fall back, or answer with a proper
 * HTTP error status. After it, a failure can only travel as an error event in the stream, which the client
 * must see: a broken stream never ends like a clean one.
 */
export async function awaitFirstEvent(
  events: AsyncIterable<StreamEvent>,
): Promise<AsyncIterable<StreamEvent>> {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) {
    throw new GatewayError(
      "upstream_invalid_response",
      "The upstream ended the stream without sending anything.",
    );
  }
  if (first.value.type === "error") {
    await iterator.return?.();
    throw first.value.error;
  }
  return continueWith(first.value, iterator);
}

async function* continueWith(
  first: StreamEvent,
  rest: AsyncIterator<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  try {
    yield first;
    while (true) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // The consumer stopped early (client gone, or an error event ended it): release the upstream too.
    await rest.return?.();
  }
}
