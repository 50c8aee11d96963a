import pino, { type Logger } from "pino";
import { gatewaySecrets } from "./secret-set.js";

export type { Logger };

/**
 * How long a log line may wait in the buffer when there are too few to fill it: lines still show within a
 * quarter of a second on a quiet gateway.
 */
export const LOG_FLUSH_INTERVAL_MS = 250;
/** Lines are written once this many bytes wait (half a dozen access-log lines)... */
const LOG_BATCH_BYTES = 2048;
/**
 * ...in writes of whole lines of at most PIPE_BUF (4 KiB on Linux): the primary and every worker share one
 * stdout, and only a pipe write that small is atomic, so lines of different processes never interleave.
 */
const LOG_WRITE_BYTES = 4096;
/** A stdout nobody reads must not grow the buffer without end: past this, lines are dropped. */
const LOG_BUFFER_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * The gateway's structured (JSON lines) logger. Every line passes through secret redaction on its way out, so a
 * key can never reach the log, whatever object or message carried it.
 *
 * Standard output is written asynchronously, in batches (pino's SonicBoom: `sync: false`, writes of 2-4 KiB, a
 * flush every 250 ms): `process.stdout` on Linux is a synchronous write per line, and with an access-log line per
 * request that would put a blocking system call on every request's path. What is buffered is written on exit
 * (pino registers a synchronous flush) and on graceful shutdown (flushLogger). Tests pass `output`, a stream
 * written directly.
 */
export function createLogger(
  level: string = process.env.SWITCHYARD_LOG_LEVEL ?? "info",
  output?: NodeJS.WritableStream,
): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: (line: string) => gatewaySecrets.redactText(line) },
  };
  if (output !== undefined) return pino(options, { write: (line: string) => output.write(line) });
  return pino(
    options,
    pino.destination({
      dest: 1,
      sync: false,
      minLength: LOG_BATCH_BYTES,
      maxWrite: LOG_WRITE_BYTES,
      maxLength: LOG_BUFFER_LIMIT_BYTES,
      periodicFlush: LOG_FLUSH_INTERVAL_MS,
    }),
  );
}

/** Writes out what the logger has buffered; resolves once it is written (or could not be). */
export async function flushLogger(logger: Logger): Promise<void> {
  // SonicBoom's flush calls back when the write under way ends, and lines logged during that write can still be
  // in the buffer then: the second round writes them.
  for (let round = 0; round < 2; round++) {
    await new Promise<void>((resolve) => {
      // A pipe or a terminal cannot be fsync'ed: the error that SonicBoom reports after writing is no failure.
      logger.flush(() => resolve());
    });
  }
}
