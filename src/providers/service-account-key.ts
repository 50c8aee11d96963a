import { createPrivateKey } from "node:crypto";

/** The fields of a service-account JSON key the gateway uses (https://google.aip.dev/auth/4112). */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  privateKeyId: string | undefined;
  tokenUri: string;
  projectId: string | undefined;
}

const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

/**
 * Reads a service-account JSON key; the problem, in words that never quote the key, when it is not one. Runs
 * when the config loads, so a bad key is a config error with its file, line and column.
 */
export function parseServiceAccountKey(text: string): { key: ServiceAccountKey } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      problem: "is not a service-account JSON key: the value (or the file it names) is not valid JSON",
    };
  }
  if (typeof json !== "object" || json === null)
    return { problem: "is not a service-account JSON key: not a JSON object" };
  const fields = json as Record<string, unknown>;
  if (fields.type !== "service_account") {
    return { problem: `is not a service-account JSON key: its "type" must be "service_account"` };
  }
  for (const name of ["client_email", "private_key"]) {
    if (typeof fields[name] !== "string" || fields[name] === "") {
      return { problem: `is not a service-account JSON key: "${name}" is missing` };
    }
  }
  try {
    createPrivateKey(fields.private_key as string);
  } catch {
    return { problem: `is not a service-account JSON key: "private_key" is not a PEM private key` };
  }
  const string = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  return {
    key: {
      clientEmail: fields.client_email as string,
      privateKey: fields.private_key as string,
      privateKeyId: string(fields.private_key_id),
      tokenUri: string(fields.token_uri) ?? DEFAULT_TOKEN_URI,
      projectId: string(fields.project_id),
    },
  };
}
