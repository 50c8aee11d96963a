import { SseDecoder, type SseFrame } from "./sse-decoder.js";

const LF_LF = Buffer.from("\n\n");
const CRLF_CRLF = Buffer.from("\r\n\r\n");

/** The complete frames a chunk finished: their bytes, the frames, and where each frame's bytes start and end. */
export interface RelayedFrames {
  bytes: Buffer;
  frames: SseFrame[];
  /** `starts[i]` is the offset in `bytes` where frames[i] begins. */
  starts: number[];
  /** `ends[i]` is the offset in `bytes` just past frames[i] (its blank line included), so a relay can stop
   * after any frame: `bytes.subarray(0, ends[i])`. */
  ends: number[];
}

/**
 * Relays an SSE byte stream whole frames at a time, and shows the relayed frames to the caller (the side tap:
 * the terminal `[DONE]`, in-band errors, usage). Holding back an incomplete frame means that when the upstream
 * breaks mid-frame, the error frame the gateway adds is not glued to half a frame the client cannot parse.
 *
 * Blocks that carry no data (comments such as DeepSeek's `: keep-alive` or OpenRouter's
 * `: OPENROUTER PROCESSING`, https://openrouter.ai/docs/api-reference/streaming) are not relayed: several
 * clients fail on comment lines (openai/openai-go#227), and a keep-alive must never be a stream's first byte,
 * which would commit it before any content came. Without such blocks the bytes are a view of the input, no copy.
 */
export class SseFrameRelay {
  /** The start of a frame not yet complete, as it arrived: joined only once the frame completes, so a frame
   * that arrives in many reads costs linear time, not a copy of everything so far on every read. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private readonly decoder = new SseDecoder();

  /** Returns the bytes of the frames completed by this chunk (possibly empty), and those frames. */
  push(chunk: Buffer): RelayedFrames {
    if (this.pendingLength > 0 && !completesFrame(this.pending, chunk)) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      return { bytes: chunk.subarray(0, 0), frames: [], starts: [], ends: [] };
    }
    const data = this.pendingLength === 0 ? chunk : Buffer.concat([...this.pending, chunk]);
    const frames: SseFrame[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    /** Kept blocks as [start, end) in `data`, recorded only once a block has been left out. */
    let kept: [number, number][] | undefined;
    let start = 0;
    for (let end = nextFrameEnd(data, start); end !== 0; end = nextFrameEnd(data, start)) {
      const [frame] = this.decoder.push(data.subarray(start, end));
      if (frame !== undefined) {
        frames.push(frame);
        starts.push(start);
        ends.push(end);
        kept?.push([start, end]);
      } else {
        kept ??= starts.map((from, index) => [from, ends[index] ?? from]);
      }
      start = end;
    }
    const rest = data.subarray(start);
    this.pending = rest.length === 0 ? [] : [rest];
    this.pendingLength = rest.length;
    if (kept === undefined) return { bytes: data.subarray(0, start), frames, starts, ends };
    return withoutDroppedBlocks(data, frames, kept);
  }

  /** Bytes of a frame the upstream started but never finished. */
  get incompleteBytes(): number {
    return this.pendingLength;
  }
}

/** The kept blocks copied together, with their offsets in the copy. */
function withoutDroppedBlocks(data: Buffer, frames: SseFrame[], kept: [number, number][]): RelayedFrames {
  const bytes = Buffer.concat(kept.map(([from, to]) => data.subarray(from, to)));
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const [from, to] of kept) {
    starts.push(offset);
    offset += to - from;
    ends.push(offset);
  }
  return { bytes, frames, starts, ends };
}

/** Whether `chunk` ends the pending frame: a blank line in it, or across its start (up to 3 bytes before). */
function completesFrame(pending: readonly Buffer[], chunk: Buffer): boolean {
  if (nextFrameEnd(chunk, 0) !== 0) return true;
  const before: Buffer[] = [];
  let length = 0;
  for (let index = pending.length - 1; index >= 0 && length < 3; index--) {
    const piece = pending[index] as Buffer;
    before.unshift(piece.subarray(Math.max(0, piece.length - (3 - length))));
    length += before[0]?.length ?? 0;
  }
  return nextFrameEnd(Buffer.concat([...before, chunk.subarray(0, 3)]), 0) !== 0;
}

/** Two runs of relayed frames as one, the second's offsets moved past the first's bytes. */
export function concatFrames(first: RelayedFrames, second: RelayedFrames): RelayedFrames {
  if (second.bytes.length === 0) return first;
  const offset = first.bytes.length;
  return {
    bytes: Buffer.concat([first.bytes, second.bytes]),
    frames: [...first.frames, ...second.frames],
    starts: [...first.starts, ...second.starts.map((start) => start + offset)],
    ends: [...first.ends, ...second.ends.map((end) => end + offset)],
  };
}

/** The offset just past the first blank line at or after `from`; 0 when there is none. */
function nextFrameEnd(data: Buffer, from: number): number {
  const lf = data.indexOf(LF_LF, from);
  const crlf = data.indexOf(CRLF_CRLF, from);
  if (lf === -1 && crlf === -1) return 0;
  if (crlf === -1 || (lf !== -1 && lf < crlf)) return lf + 2;
  return crlf + 4;
}
