import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StdoutLines } from "./stdout-lines.js";

/** A stdout that records each write, and can be made to hold what it is given (a full pipe). */
class RecordingStdout extends Writable {
  readonly writes: string[] = [];
  private held: (() => void) | undefined;
  holding = false;
  /** The reader went away: every write fails as a closed pipe's does. */
  readerGone = false;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error) => void): void {
    if (this.readerGone) {
      callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      return;
    }
    this.writes.push(chunk.toString());
    if (this.holding) this.held = callback;
    else callback();
  }

  release(): void {
    this.holding = false;
    const callback = this.held;
    this.held = undefined;
    callback?.();
  }
}

function line(fill: string, bytes: number): string {
  // A JSON line of exactly `bytes` bytes, newline included.
  const prefix = '{"msg":"';
  const suffix = '"}\n';
  return `${prefix}${fill.repeat(bytes - prefix.length - suffix.length)}${suffix}`;
}

function batcher(output: RecordingStdout): StdoutLines {
  return new StdoutLines(output as unknown as NodeJS.WriteStream);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("StdoutLines", () => {
  it("fills a batch up to 4 KiB before writing it, in one write", () => {
    const output = new RecordingStdout();
    const lines = batcher(output);
    for (let index = 0; index < 8; index++) lines.write(line("a", 500));
    // 4,000 bytes wait: another 500 would pass PIPE_BUF, so they go before it.
    expect(output.writes).toEqual([]);
    lines.write(line("b", 500));
    expect(output.writes).toEqual([line("a", 500).repeat(8)]);
    lines.write(line("c", 3596));
    // Exactly 4,096 bytes: written at once.
    expect(output.writes.slice(1)).toEqual([line("b", 500) + line("c", 3596)]);
  });

  it("never writes more than 4 KiB of lines at once, and never splits a line", () => {
    const output = new RecordingStdout();
    const lines = batcher(output);
    lines.write(line("a", 2000));
    lines.write(line("b", 1000));
    expect(output.writes).toEqual([]);
    lines.write(line("c", 2000));
    // 5,000 bytes would pass PIPE_BUF: the first two go together, the third waits.
    expect(output.writes).toEqual([line("a", 2000) + line("b", 1000)]);
    lines.write(line("d", 2200));
    lines.write(line("e", 5000));
    // A line longer than PIPE_BUF goes alone (it cannot be atomic, but it never shares a write).
    expect(output.writes.slice(1)).toEqual([line("c", 2000), line("d", 2200), line("e", 5000)]);
    for (const write of output.writes.slice(0, 3)) expect(Buffer.byteLength(write)).toBeLessThanOrEqual(4096);
  });

  it("writes a usage record's line with its newline, in the same batches as log lines", () => {
    const output = new RecordingStdout();
    const lines = batcher(output);
    lines.write(line("a", 2000));
    expect(lines.writeLine(line("b", 2096).slice(0, -1))).toBe(true);
    expect(output.writes).toEqual([line("a", 2000) + line("b", 2096)]);
  });

  it("counts UTF-8 bytes, not characters", () => {
    const output = new RecordingStdout();
    const lines = batcher(output);
    // 1,411 characters, 4,211 bytes ("€" is three): past PIPE_BUF, so written at once.
    lines.write(`{"msg":"${"€".repeat(1400)}"}\n`);
    expect(output.writes).toHaveLength(1);
  });

  it("writes a lone line within a quarter of a second", () => {
    vi.useFakeTimers();
    const output = new RecordingStdout();
    const lines = batcher(output);
    lines.write(line("a", 100));
    vi.advanceTimersByTime(249);
    expect(output.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(output.writes).toEqual([line("a", 100)]);
  });

  it("flush writes what waits and calls back once stdout has taken it", async () => {
    const output = new RecordingStdout();
    output.holding = true;
    const lines = batcher(output);
    lines.write(line("a", 100));
    let flushed = false;
    lines.flush(() => {
      flushed = true;
    });
    expect(output.writes).toEqual([line("a", 100)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    output.release();
    await vi.waitFor(() => expect(flushed).toBe(true));
  });

  it("drops lines, counting them, while 32 MiB wait for a stdout nobody reads", () => {
    const output = new RecordingStdout({ highWaterMark: 64 * 1024 * 1024 });
    output.holding = true;
    const lines = batcher(output);
    const big = line("a", 4000);
    const fits = Math.floor((32 * 1024 * 1024) / 4000);
    for (let index = 0; index < fits + 9; index++) lines.write(big);
    // A usage record is told it was dropped, so that its log counts it.
    expect(lines.writeLine(big.slice(0, -1))).toBe(false);
    expect(lines.dropped).toBe(10);
    expect(output.writableLength).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  it("drops lines once stdout's reader has gone away, instead of stopping the process", async () => {
    const output = new RecordingStdout();
    const lines = batcher(output);
    output.readerGone = true;
    lines.write(line("a", 3000));
    // The failed write's error is handled (an unhandled one would fail this test as an uncaught exception).
    await vi.waitFor(() => expect(output.destroyed).toBe(true));
    lines.write(line("b", 3000));
    expect(lines.writeLine('{"msg":"c"}')).toBe(false);
    expect(lines.dropped).toBe(2);
    let flushed = false;
    lines.flush(() => {
      flushed = true;
    });
    await vi.waitFor(() => expect(flushed).toBe(true));
  });
});
