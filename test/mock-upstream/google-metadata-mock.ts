import { randomBytes } from "node:crypto";
import { type MockUpstream, startMockUpstream } from "./mock-upstream.js";

/**
 * Google Cloud's metadata server, as far as Application Default Credentials use it
 * (https://cloud.google.com/compute/docs/metadata/querying-metadata and
 * https://cloud.google.com/compute/docs/access/authenticate-workloads#applications): every request must carry
 * `Metadata-Flavor: Google` (else 403, as the real server answers), and every answer carries it back;
 * `GET /computeMetadata/v1/instance` answers the presence probe, and
 * `GET /computeMetadata/v1/instance/service-accounts/default/token` issues an access token for the attached
 * service account. The gateway reaches it through GCE_METADATA_HOST, which Google's libraries honour.
 */
export interface GoogleMetadataMock extends MockUpstream {
  /** Access tokens issued, in order. */
  issuedTokens: string[];
}

const FLAVOR = { "metadata-flavor": "Google" };
const TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";

export async function startGoogleMetadataMock(): Promise<GoogleMetadataMock> {
  const issued: string[] = [];
  const mock = await startMockUpstream({
    validate: (request) => {
      const problems: string[] = [];
      if (request.method !== "GET") problems.push(`the metadata server answers GET, not ${request.method}`);
      if (request.headers["metadata-flavor"] !== "Google")
        problems.push("Metadata-Flavor: Google is missing");
      return problems;
    },
    respond: (request, violations, sequence) => {
      if (violations.length > 0) {
        return {
          kind: "raw",
          status: 403,
          body: violations.join("; "),
          contentType: "text/html",
          headers: FLAVOR,
        };
      }
      if (request.path === TOKEN_PATH) {
        const token = `ya29.metadata-${sequence}-${randomBytes(8).toString("hex")}`;
        issued.push(token);
        return {
          kind: "json",
          status: 200,
          body: { access_token: token, expires_in: 3599, token_type: "Bearer" },
          headers: FLAVOR,
        };
      }
      if (
        request.path === "/computeMetadata/v1/instance" ||
        request.path === "/computeMetadata/v1/instance/"
      ) {
        return {
          kind: "raw",
          status: 200,
          body: "attributes/\nid\nservice-accounts/\n",
          contentType: "application/text",
          headers: FLAVOR,
        };
      }
      return { kind: "raw", status: 404, body: "Not Found", contentType: "text/html", headers: FLAVOR };
    },
  });
  return Object.assign(mock, { issuedTokens: issued });
}
