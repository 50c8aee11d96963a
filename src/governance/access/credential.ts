import { looksLikeGatewayKey } from "../keys/key-format.js";

type Headers = Record<string, string | string[] | undefined>;

/**
 * The key a request presents, as the SDKs send it: `Authorization: Bearer` (OpenAI, MLflow's
 * MLFLOW_TRACKING_TOKEN), `x-api-key` (Anthropic), `api-key` (Azure OpenAI). When several are sent, the first
 * that looks like a gateway key wins, so a client that also forwards some other key still works.
 */
export function credentialOf(headers: Headers): string | undefined {
  let first: string | undefined;
  for (const candidate of [
    bearerToken(headers.authorization),
    single(headers["x-api-key"]),
    single(headers["api-key"]),
  ]) {
    if (candidate === undefined) continue;
    if (looksLikeGatewayKey(candidate)) return candidate;
    first ??= candidate;
  }
  return first;
}

function bearerToken(value: string | string[] | undefined): string | undefined {
  const header = single(value);
  if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== "bearer ")
    return undefined;
  const token = header.slice(7).trim();
  return token === "" ? undefined : token;
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
