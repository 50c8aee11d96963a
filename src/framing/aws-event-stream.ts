import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";

/**
 * One message of AWS's binary event-stream framing (`application/vnd.amazon.eventstream`,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html#RESTSelectObjectAppendix-EventStream):
 * its string headers (`:message-type`, `:event-type`, `:exception-type`, `:content-type`) and its payload.
 */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

/** Prelude: total length and headers length (4 bytes each, big-endian), then the prelude's CRC32. */
const PRELUDE_BYTES = 12;

/**
 * Incremental event-stream decoder: feed it bytes as they arrive, split anywhere, and it returns the complete
 * messages so far. Each message is decoded, CRC32 checksums included, by the AWS SDK's own codec
 * (`@smithy/core`); this class only waits for a message's bytes to be complete, which the SDK does only for
 * async iterables (`getChunkedStream`), while the gateway's stream decoders are synchronous. A corrupt message
 * (bad checksum, impossible length) throws.
 */
export class AwsEventStreamDecoder {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private buffer: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): EventStreamMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const messages: EventStreamMessage[] = [];
    while (this.buffer.length >= PRELUDE_BYTES) {
      const length = new DataView(this.buffer.buffer, this.buffer.byteOffset, 4).getUint32(0, false);
      if (length < PRELUDE_BYTES + 4) throw new Error(`impossible event-stream message length ${length}`);
      if (this.buffer.length < length) break;
      // The codec reads the view's own byte range, so no copy is needed.
      const decoded = this.codec.decode(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
      const headers: Record<string, string> = {};
      for (const [name, header] of Object.entries(decoded.headers)) {
        if (header.type === "string") headers[name] = header.value;
      }
      messages.push({ headers, payload: decoded.body });
    }
    return messages;
  }

  /** Whether bytes of an incomplete message are waiting: the stream was cut inside a message. */
  get hasPartialMessage(): boolean {
    return this.buffer.length > 0;
  }
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
