import pino, { type Logger } from "pino";
import { gatewaySecrets } from "./secret-set.js";

export type { Logger };

/**
 * The gateway's structured (JSON lines) logger. Every line passes through secret redaction on its way out, so a
 * key can never reach the log, whatever object or message carried it.
 */
export function createLogger(
  level: string = process.env.SWITCHYARD_LOG_LEVEL ?? "info",
  output: NodeJS.WritableStream = process.stdout,
): Logger {
  const destination = { write: (line: string) => output.write(gatewaySecrets.redactText(line)) };
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
