import pino, { type Logger } from "pino";
import { isoTime } from "./iso-time.js";
import { gatewaySecrets } from "./secret-set.js";
import { stdoutLines } from "./stdout-lines.js";

export type { Logger };

/** Where each logger made by createLogger writes its lines (before redaction). */
const lineOutputs = new WeakMap<Logger, (line: string) => void>();

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
  const destination = output === undefined ? stdoutLines() : { write: (line: string) => output.write(line) };
  const logger = pino(options, destination);
  lineOutputs.set(logger, (line) => destination.write(line));
  return logger;
}

/**
 * A writer of `info` lines whose fields a compiled serialiser writes (the access log's, one line per request):
 * the bytes `logger.info(value, message)` writes (level, time, the logger's bindings, the fields, the message),
 * redacted on the way out like every line, without pino walking the object and escaping it field by field.
 * `serialise` writes the value as a JSON object. A logger made elsewhere is left to write its own lines.
 */
export function infoLineWriter<T extends object>(
  logger: Logger,
  message: string,
  serialise: (value: T) => string,
): (value: T) => void {
  const write = lineOutputs.get(logger);
  if (write === undefined) return (value) => logger.info(value as object, message);
  // The pid, as pino writes it (`,"pid":123`): bindings are fixed when the logger is made.
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? "";
  const end = `,"msg":${JSON.stringify(message)}}\n`;
  return (value) => {
    if (!logger.isLevelEnabled("info")) return;
    const fields = serialise(value);
    const inner = fields.length > 2 ? `,${fields.slice(1, -1)}` : "";
    write(gatewaySecrets.redactText(`{"level":30,"time":"${isoTime(Date.now())}"${bindings}${inner}${end}`));
  };
}

/** Writes out what the logger has buffered; resolves once it is written (or could not be). */
export async function flushLogger(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
}
