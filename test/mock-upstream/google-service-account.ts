import { generateKeyPairSync, type KeyObject } from "node:crypto";

/**
 * A service account for tests: a fresh RSA key pair per test process (never a real key), and the JSON key file
 * Google would issue for it, pointing at a loopback token endpoint.
 */
export const TEST_SERVICE_ACCOUNT_EMAIL = "switchyard-test@switchyard-test-project.iam.gserviceaccount.com";
export const TEST_PROJECT = "switchyard-test-project";

let keyPair: { privateKeyPem: string; publicKey: KeyObject } | undefined;

function testKeyPair(): { privateKeyPem: string; publicKey: KeyObject } {
  if (keyPair === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    keyPair = { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKey };
  }
  return keyPair;
}

/** The public half, for the token endpoint to verify assertions with. */
export function testServiceAccountPublicKey(): KeyObject {
  return testKeyPair().publicKey;
}

/** The service-account JSON key, as text, its token endpoint at `tokenUri`. */
export function testServiceAccountJson(tokenUri: string): string {
  return JSON.stringify({
    type: "service_account",
    project_id: TEST_PROJECT,
    private_key_id: "0123456789abcdef0123456789abcdef01234567",
    private_key: testKeyPair().privateKeyPem,
    client_email: TEST_SERVICE_ACCOUNT_EMAIL,
    client_id: "100000000000000000001",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: tokenUri,
  });
}
