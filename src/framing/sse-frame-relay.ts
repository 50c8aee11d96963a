import { SseDecoder, type SseFrame } from "./sse-decoder.js";

const LF_LF = Buffer.from("\n\n");
const CRLF_CRLF = Buffer.from("\r\n\r\n");

/**
 * Relays an SSE byte stream whole frames at a time, and shows the relayed frames to the caller (the side tap:
 * the terminal `[DONE]`, in-band errors, usage). Holding back an incomplete frame means that when the upstream
 * breaks mid-frame, the error frame the gateway adds is not glued to half a frame the client cannot parse.
 */
export class SseFrameRelay {
  private pending: Buffer = Buffer.alloc(0);
  private readonly decoder = new SseDecoder();

  /** Returns the bytes of the frames completed by this chunk (possibly empty), and those frames. */
  push(chunk: Buffer): { bytes: Buffer; frames: SseFrame[] } {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = lastFrameEnd(data);
    if (end === 0) {
      this.pending = data;
      return { bytes: Buffer.alloc(0), frames: [] };
    }
    const bytes = data.subarray(0, end);
    this.pending = data.subarray(end);
    return { bytes, frames: this.decoder.push(bytes) };
  }

  /** Bytes of a frame the upstream started but never finished. */
  get incompleteBytes(): number {
    return this.pending.length;
  }
}

function lastFrameEnd(data: Buffer): number {
  const lf = data.lastIndexOf(LF_LF);
  const crlf = data.lastIndexOf(CRLF_CRLF);
  return Math.max(lf === -1 ? 0 : lf + 2, crlf === -1 ? 0 : crlf + 4);
}
