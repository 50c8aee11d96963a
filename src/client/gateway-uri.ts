/** The environment variables the gateway URI is read from, first match wins. */
export const GATEWAY_URI_ENV_VARS = ["SWITCHYARD_GATEWAY_URI", "MLFLOW_GATEWAY_URI"] as const;

/** A gateway URI that is missing or cannot be used. */
export class GatewayUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayUriError";
  }
}

/**
 * Checks a gateway URI and returns it without a trailing slash. It must have an `http` or `https` scheme and a
 * host; a path is kept (for a gateway behind a proxy under a prefix). `source` names where the URI came from,
 * for the error message.
 */
export function normalizeGatewayUri(uri: string, source = "The gateway URI"): string {
  const example = "write it like http://127.0.0.1:5000";
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.host === "" || !/^https?:$/.test(url.protocol)) {
    throw new GatewayUriError(
      `${source} ${JSON.stringify(uri)} is missing required elements: it needs a scheme (http or https) and a host; ${example}.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new GatewayUriError(
      `${source} must not contain credentials (fetch refuses them): pass them as an Authorization header in the 'headers' option instead.`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new GatewayUriError(
      `${source} ${JSON.stringify(uri)} must not have a query or fragment; ${example}.`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * The gateway URI from `SWITCHYARD_GATEWAY_URI`, else `MLFLOW_GATEWAY_URI`, checked; undefined when neither is
 * set (or outside Node, where there is no environment). Empty values count as unset.
 */
export function gatewayUriFromEnvironment(): string | undefined {
  // Read through globalThis so that browsers, which have no `process`, get undefined rather than a ReferenceError.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  for (const name of GATEWAY_URI_ENV_VARS) {
    const value = env?.[name];
    if (value !== undefined && value !== "") return normalizeGatewayUri(value, `The gateway URI in ${name}`);
  }
  return undefined;
}
