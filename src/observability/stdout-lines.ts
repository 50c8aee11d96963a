import { writeSync } from "node:fs";

/** How long a line may wait when too few come to fill a batch: lines show within a quarter of a second. */
const LOG_FLUSH_INTERVAL_MS = 250;
/**
 * Lines are written in batches of whole lines of at most PIPE_BUF (4 KiB on Linux): the primary and every worker
 * share one stdout, and only a pipe write that small is atomic, so lines of different processes never interleave.
 * A batch is filled up to that size before it is written, since each write is a system call: with an access-log
 * line and a usage record per request (about 1.8 KB together), a batch written at 2 KiB cost a write per 1.4
 * requests.
 */
const ATOMIC_WRITE_BYTES = 4096;
/** A stdout nobody reads must not grow the buffer without end: past this, lines are dropped. */
const BUFFER_LIMIT_BYTES = 32 * 1024 * 1024;
/** The longest a flush waits for a stdout that does not take its writes (shutdown must not hang on a stuck reader). */
const DRAIN_WAIT_MS = 1000;

/**
 * Log lines on standard output, in batches of whole lines, written through `process.stdout`.
 *
 * Why not pino's SonicBoom: its asynchronous mode hands every write to libuv's thread pool, and the hop (a
 * thread woken, the write, the loop woken back) cost 7-9% of a pass-through request's CPU with an access-log
 * line per request (`npm run bench`, 2026-12-05). `process.stdout` writes a pipe or socket at once, from the
 * event loop, and queues (never blocks) when the pipe is full; a file or a terminal is written synchronously,
 * which never waits on a reader. Batching keeps it to a write per two requests with usage records, per ten without.
 */
export class StdoutLines {
  private pending = "";
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Writes stdout has not yet taken, and the flushes waiting for them. */
  private unwritten = 0;
  private waiting: (() => void)[] = [];
  /** Lines dropped because stdout was not taking them. */
  dropped = 0;
  /** Stdout failed (its reader went away: EPIPE): lines are dropped from then on, the process goes on. */
  private broken = false;

  constructor(private readonly output: NodeJS.WriteStream = process.stdout) {
    // Without a listener, a write error is thrown as an uncaught exception: a closed stdout would stop the
    // process.
    output.on("error", () => this.break());
  }

  /** pino's destination interface: one line (with its newline). pino ignores the answer. */
  write(line: string): boolean {
    return this.add(line, Buffer.byteLength(line));
  }

  /** One line without its newline (a usage record). Answers false when it was dropped. */
  writeLine(line: string): boolean {
    return this.add(`${line}\n`, Buffer.byteLength(line) + 1);
  }

  private add(line: string, bytes: number): boolean {
    if (this.broken || this.output.writableLength + this.pendingBytes + bytes > BUFFER_LIMIT_BYTES) {
      this.dropped++;
      return false;
    }
    if (this.pendingBytes > 0 && this.pendingBytes + bytes > ATOMIC_WRITE_BYTES) this.writeOut();
    this.pending += line;
    this.pendingBytes += bytes;
    if (this.pendingBytes >= ATOMIC_WRITE_BYTES) this.writeOut();
    else this.timer ??= setTimeout(() => this.onTimer(), LOG_FLUSH_INTERVAL_MS).unref();
    return true;
  }

  /** Writes what waits; calls back once stdout has taken it (or after DRAIN_WAIT_MS). pino's `flush`. */
  flush(callback: (error?: Error) => void = () => {}): void {
    this.writeOut();
    if (this.unwritten === 0) {
      process.nextTick(callback);
      return;
    }
    let called = false;
    const done = (): void => {
      if (called) return;
      called = true;
      clearTimeout(deadline);
      callback();
    };
    const deadline = setTimeout(done, DRAIN_WAIT_MS).unref();
    this.waiting.push(done);
  }

  /** On exit, what still waits is written synchronously (a full non-blocking pipe loses it: nothing waits then). */
  writeOutSync(): void {
    if (this.pending === "") return;
    const text = this.takePending();
    try {
      writeSync(1, text);
    } catch {
      // EAGAIN on a full pipe, or stdout closed: the process is ending either way.
    }
  }

  private break(): void {
    this.broken = true;
    this.takePending();
    // Nothing more will be written: the flushes waiting are done.
    this.unwritten = 0;
    this.endWaiting();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.writeOut();
  }

  private writeOut(): void {
    if (this.pending === "") return;
    this.unwritten++;
    this.output.write(this.takePending(), this.written);
  }

  private takePending(): string {
    const text = this.pending;
    this.pending = "";
    this.pendingBytes = 0;
    return text;
  }

  /** Writes are taken in order: when none is left, every flush waiting is done. */
  private readonly written = (): void => {
    if (this.unwritten === 0) return;
    this.unwritten--;
    if (this.unwritten === 0) this.endWaiting();
  };

  private endWaiting(): void {
    if (this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) done();
  }
}

let shared: StdoutLines | undefined;

/**
 * The process's one stdout batcher: every logger of the process and its usage records share it, so batches hold
 * whole lines.
 */
export function stdoutLines(): StdoutLines {
  if (shared === undefined) {
    const lines = new StdoutLines();
    process.once("exit", () => lines.writeOutSync());
    shared = lines;
  }
  return shared;
}
