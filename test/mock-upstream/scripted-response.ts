import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** How a mock answers one request: the default behaviours are built from these, and tests enqueue them to
 * inject faults. */
export type ScriptedResponse =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  /** Any bytes with any content type, e.g. the HTML error page of a proxy in front of the provider. */
  | { kind: "raw"; status: number; body: string; contentType: string; headers?: Record<string, string> }
  | ScriptedStream
  /** Destroys the socket before answering anything. */
  | { kind: "reset" }
  /** Waits before the first byte (headers included), then answers with `then`. */
  | { kind: "delay"; ms: number; then: ScriptedResponse }
  /** Never answers; the socket stays open until the client gives up or the mock closes. */
  | { kind: "hang" };

export interface ScriptedStream {
  kind: "stream";
  /** Raw frames, each written with one write(): text (e.g. from sseFrame) or bytes (binary framings such as
   * AWS event-stream). */
  frames: (string | Uint8Array)[];
  /** Default 200. */
  status?: number;
  /** Default "text/event-stream; charset=utf-8" for text frames, "application/vnd.amazon.eventstream" (AWS's
   * binary event-stream) for byte frames. */
  contentType?: string;
  headers?: Record<string, string>;
  delayMsBetweenFrames?: number;
  /** Splits every write into pieces of this many bytes, written separately (see delayMsBetweenPieces), so
   * the client must reassemble frames across reads. */
  splitFramesAt?: number;
  /** Pause between the pieces of a split frame; default 1 ms, so loopback TCP does not coalesce them. */
  delayMsBetweenPieces?: number;
  /** Destroys the socket after this many frames, without ending the response. */
  cutAfterFrames?: number;
  /** Writes the first `afterFrames` frames, then waits for `until` before writing the rest, so a test can
   * observe what the client got while the upstream is still streaming, without timing anything. */
  hold?: { afterFrames: number; until: Promise<unknown> };
}

/** `{kind: "delay", ms, then: response}` without writing a `then` key at the call site, which Biome's
 * noThenProperty rule flags (harmless here: `then` is not a function, so nothing treats it as a promise). */
export function delayed(ms: number, response: ScriptedResponse): ScriptedResponse {
  // biome-ignore lint/suspicious/noThenProperty: the field name is part of the ScriptedResponse contract.
  return { kind: "delay", ms, then: response };
}

/**
 * Writes a scripted response. Resolves when done; stops quietly when `signal` aborts (client gone or mock
 * closing), since there is nobody left to answer.
 */
export async function writeScriptedResponse(
  res: ServerResponse,
  response: ScriptedResponse,
  signal: AbortSignal,
): Promise<void> {
  switch (response.kind) {
    case "json":
      res.writeHead(response.status, { "content-type": "application/json", ...response.headers });
      res.end(JSON.stringify(response.body));
      return;
    case "raw":
      res.writeHead(response.status, { "content-type": response.contentType, ...response.headers });
      res.end(response.body);
      return;
    case "stream":
      return writeStream(res, response, signal);
    case "reset":
      res.socket?.destroy();
      return;
    case "delay":
      if (await pause(response.ms, signal)) await writeScriptedResponse(res, response.then, signal);
      return;
    case "hang":
      return;
  }
}

async function writeStream(res: ServerResponse, stream: ScriptedStream, signal: AbortSignal): Promise<void> {
  res.writeHead(stream.status ?? 200, {
    "content-type":
      stream.contentType ??
      (typeof stream.frames[0] === "object"
        ? "application/vnd.amazon.eventstream"
        : "text/event-stream; charset=utf-8"),
    "cache-control": "no-cache",
    ...stream.headers,
  });
  // Send the status line now: a client waiting for headers must not depend on the first frame's timing.
  res.flushHeaders();
  for (const [index, frame] of stream.frames.entries()) {
    if (index === stream.cutAfterFrames) return cut(res);
    if (index === stream.hold?.afterFrames && !(await held(stream.hold.until, signal))) return;
    if (index > 0 && stream.delayMsBetweenFrames !== undefined) {
      if (!(await pause(stream.delayMsBetweenFrames, signal))) return;
    }
    const pieces = stream.splitFramesAt === undefined ? [frame] : splitBytes(frame, stream.splitFramesAt);
    for (const [pieceIndex, piece] of pieces.entries()) {
      if (pieceIndex > 0 && !(await pause(stream.delayMsBetweenPieces ?? 1, signal))) return;
      if (!(await write(res, piece, signal))) return;
    }
  }
  if (stream.cutAfterFrames !== undefined && stream.cutAfterFrames >= stream.frames.length) return cut(res);
  res.end();
}

/** Closes the connection once what was written is flushed, leaving the response unfinished (no final
 * chunk), so the client sees the stream break rather than end. */
function cut(res: ServerResponse): void {
  res.socket?.destroySoon();
}

/** Splits on byte boundaries, deliberately ignoring UTF-8 character boundaries: that is what TCP does. */
function splitBytes(frame: string | Uint8Array, size: number): Buffer[] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`splitFramesAt must be a positive integer: ${size}`);
  const bytes = typeof frame === "string" ? Buffer.from(frame, "utf8") : Buffer.from(frame);
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

/** Writes one chunk and waits until it is handed to the OS, which is also backpressure. False when the
 * response can no longer be written. */
async function write(res: ServerResponse, chunk: string | Uint8Array, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || res.destroyed) return false;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    signal.addEventListener("abort", onAbort, { once: true });
    res.write(chunk, (error) => done(error == null));
  });
}

/** True when `until` settled, false when aborted first. */
async function held(until: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  let onAbort = (): void => {};
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([until.then(() => true), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** True when the pause ran to its end, false when aborted. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    // The only rejection is the abort: the client left or the mock is closing, so nothing more to write.
    return false;
  }
}
