import { resolveGatewayUri } from "./gateway-uri-option.js";

export const MASTER_KEY_ENV = "SWITCHYARD_MASTER_KEY";

export interface AdminTarget {
  gatewayUri?: string;
  /** The environment variable that holds the master key (default SWITCHYARD_MASTER_KEY). */
  masterKeyEnv?: string;
}

/**
 * One admin API call for the CLI: the master key comes from the environment, never from the command line
 * (where `ps` and shell history would keep it). Resolves with the JSON answer; throws a one-line error.
 */
export async function adminRequest(
  target: AdminTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const variable = target.masterKeyEnv ?? MASTER_KEY_ENV;
  const masterKey = process.env[variable];
  if (masterKey === undefined || masterKey === "")
    throw new Error(`No master key: set ${variable} (a key from governance.admin.master_keys).`);
  const base = resolveGatewayUri(target.gatewayUri).replace(/\/+$/, "");
  const headers: Record<string, string> = {
    authorization: `Bearer ${masterKey}`,
    accept: "application/json",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${base}/admin/v1${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`cannot reach the gateway at ${base} (${cause}).`);
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!response.ok) {
    const message = (answer as { error?: { message?: string } } | undefined)?.error?.message;
    throw new Error(
      `the gateway answered ${response.status}: ${message ?? (text.slice(0, 200) || response.statusText)}`,
    );
  }
  return answer;
}
