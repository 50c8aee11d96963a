import pino, { type Logger } from "pino";
import { isoTime } from "./iso-time.js";
import { gatewaySecrets } from "./secret-set.js";
import { stdoutLines } from "./stdout-lines.js";

export type { Logger };

/**
 * The gateway's structured (JSON lines) logger. Every line passes through secret redaction on its way out, so a
 * key can never reach the log, whatever object or message carried it.
 *
 * Standard output is written in batches of whole lines (stdout-lines.ts: writes of up to 4 KiB, a flush every
 * 250 ms), never a system call per line. What is buffered is written on graceful shutdown (flushLogger) and on
 * exit. Tests pass `output`, a stream written directly.
 */
export function createLogger(
  level: string = process.env.SWITCHYARD_LOG_LEVEL ?? "info",
  output?: NodeJS.WritableStream,
): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    // pino's isoTime, written faster: one access line per request.
    timestamp: () => `,"time":"${isoTime(Date.now())}"`,
    hooks: { streamWrite: (line: string) => gatewaySecrets.redactText(line) },
  };
  if (output !== undefined) return pino(options, { write: (line: string) => output.write(line) });
  return pino(options, stdoutLines());
}

/** Writes out what the logger has buffered; resolves once it is written (or could not be). */
export async function flushLogger(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
}
