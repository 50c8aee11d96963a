import { GatewayError, type StreamEvent } from "../canonical/index.js";

/**
 * Whether an event carries part of the answer (a token): anything but the stream's opening and the opening of
 * a text block, which upstreams send before they have produced anything (and a stalled one sends nothing
 * after). The commit point waits for the first such event.
 */
export function isTokenEvent(event: StreamEvent): boolean {
  if (event.type === "message_start") return false;
  if (event.type === "block_start") return event.block.kind !== "text";
  if (event.type === "text_delta") return event.text !== "";
  return true;
}

/**
 * The commit point of a stream, in one place: nothing is sent to the client until the upstream's first token
 * has arrived (the events before it are held, then replayed). A failure before it is thrown, so the caller can
 * still retry, fall back, or answer with a proper HTTP error status: a target that opens its stream and then
 * stays silent is left like one that never answered. After it, a failure can only travel as an error event in
 * the stream, which the client must see (or which mid-stream continuation repairs): a broken stream never ends
 * like a clean one.
 */
export async function awaitFirstToken(
  events: AsyncIterable<StreamEvent>,
): Promise<AsyncIterable<StreamEvent>> {
  const iterator = events[Symbol.asyncIterator]();
  const held: StreamEvent[] = [];
  while (true) {
    const next = await iterator.next();
    if (next.done === true) {
      throw new GatewayError(
        "upstream_invalid_response",
        "The upstream ended the stream without sending anything.",
      );
    }
    if (next.value.type === "error") {
      await iterator.return?.();
      throw next.value.error;
    }
    held.push(next.value);
    if (isTokenEvent(next.value)) return continueWith(held, iterator);
  }
}

async function* continueWith(
  held: StreamEvent[],
  rest: AsyncIterator<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  try {
    yield* held;
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
