import { GATEWAY_URI_ENV_VARS, gatewayUriFromEnvironment } from "../client/index.js";

export const GATEWAY_URI_HELP = `URI of the running gateway (default: $${GATEWAY_URI_ENV_VARS.join(", else $")})`;

/**
 * The gateway URI from `--gateway-uri`, else from the same environment variables as the client's fluent API.
 * Throws with a one-line message saying how to give one.
 */
export function resolveGatewayUri(option: string | undefined): string {
  if (option !== undefined) return option;
  const fromEnvironment = gatewayUriFromEnvironment();
  if (fromEnvironment === undefined) {
    throw new Error(
      `No gateway URI: pass --gateway-uri http://HOST:PORT or set ${GATEWAY_URI_ENV_VARS.join(" or ")}.`,
    );
  }
  return fromEnvironment;
}

/** An error as the one line the CLI prints: the message, its line breaks flattened. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${message.replace(/\s*\n\s*/g, " ")}\n`;
}

/** The variable holding a gateway key for `routes` and `query`, when the gateway requires keys. */
export const API_KEY_ENV = "SWITCHYARD_API_KEY";

/** `Authorization: Bearer $SWITCHYARD_API_KEY` when that variable is set, else nothing. */
export function gatewayKeyHeaders(): Record<string, string> {
  const key = process.env[API_KEY_ENV];
  return key === undefined || key === "" ? {} : { authorization: `Bearer ${key}` };
}
