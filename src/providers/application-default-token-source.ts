import type { GoogleAuth } from "google-auth-library";
import { GatewayError } from "../canonical/index.js";
import { gatewaySecrets } from "../observability/secret-set.js";
import { type AccessTokenSource, CLOUD_PLATFORM_SCOPE } from "./service-account-token-source.js";

/**
 * OAuth2 access tokens from Google's Application Default Credentials
 * (https://cloud.google.com/docs/authentication/application-default-credentials), through Google's own
 * google-auth-library: the key file GOOGLE_APPLICATION_CREDENTIALS names (a service account, an authorized user,
 * workload identity federation), gcloud's `application-default login` file, or the service account attached to
 * the machine (the metadata server on GCE, GKE, Cloud Run). The library caches a token and renews it before it
 * expires; it is loaded on first use, so only a gateway with such a route pays for it. A failure is
 * `upstream_auth_failed`, saying where the gateway looked.
 */
export class ApplicationDefaultTokenSource implements AccessTokenSource {
  private auth: Promise<GoogleAuth> | undefined;
  private lastToken: string | undefined;

  constructor(private readonly who: string) {}

  async accessToken(): Promise<string> {
    this.auth ??= import("google-auth-library").then(
      ({ GoogleAuth }) => new GoogleAuth({ scopes: CLOUD_PLATFORM_SCOPE }),
    );
    let token: string | null | undefined;
    try {
      token = await (await this.auth).getAccessToken();
    } catch (cause) {
      throw this.failure(cause instanceof Error ? cause.message : String(cause), cause);
    }
    if (typeof token !== "string" || token === "") throw this.failure("no token was returned");
    if (token !== this.lastToken) {
      // A bearer token is as good as a key for its hour: redacted like one (once per renewal).
      gatewaySecrets.add([token]);
      this.lastToken = token;
    }
    return token;
  }

  private failure(reason: string, cause?: unknown): GatewayError {
    return new GatewayError(
      "upstream_auth_failed",
      `${this.who}: could not get an access token from Application Default Credentials (${reason}). Check the key file GOOGLE_APPLICATION_CREDENTIALS names, 'gcloud auth application-default login', or the service account attached to the machine (its metadata server); or give a service-account key in vertex_credentials.`,
      cause === undefined ? {} : { cause },
    );
  }
}
