import { importPKCS8, SignJWT } from "jose";
import { request } from "undici";
import { GatewayError } from "../canonical/index.js";
import { gatewaySecrets } from "../observability/secret-set.js";
import type { ServiceAccountKey } from "./service-account-key.js";

/** Where Vertex AI targets get their OAuth2 access tokens. */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
}

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** Tokens are renewed this long before they expire, so no request goes out with one about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const TOKEN_TIMEOUT_MS = 10_000;

/**
 * OAuth2 access tokens for a service account, by the JWT bearer grant
 * (https://developers.google.com/identity/protocols/oauth2/service-account#httprest): an RS256 assertion signed
 * with `jose`, exchanged at the key's `token_uri`. A token is cached and renewed five minutes before it expires;
 * concurrent requests share one renewal. A refusal or an unreachable token endpoint is `upstream_auth_failed`,
 * naming what to check and never the key.
 */
export class ServiceAccountTokenSource implements AccessTokenSource {
  private token: { value: string; expiresAtMs: number } | undefined;
  private pending: Promise<string> | undefined;
  private signingKey: ReturnType<typeof importPKCS8> | undefined;

  constructor(
    private readonly key: ServiceAccountKey,
    private readonly who: string,
  ) {}

  accessToken(): Promise<string> {
    if (this.token !== undefined && Date.now() < this.token.expiresAtMs - REFRESH_MARGIN_MS) {
      return Promise.resolve(this.token.value);
    }
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    this.signingKey ??= importPKCS8(this.key.privateKey, "RS256");
    const assertion = await new SignJWT({ scope: CLOUD_PLATFORM_SCOPE })
      .setProtectedHeader({
        alg: "RS256",
        typ: "JWT",
        ...(this.key.privateKeyId && { kid: this.key.privateKeyId }),
      })
      .setIssuer(this.key.clientEmail)
      .setAudience(this.key.tokenUri)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(await this.signingKey);
    const form = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion,
    });
    let status: number;
    let answer: Record<string, unknown>;
    try {
      const response = await request(this.key.tokenUri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
        headersTimeout: TOKEN_TIMEOUT_MS,
        bodyTimeout: TOKEN_TIMEOUT_MS,
      });
      status = response.statusCode;
      const parsed: unknown = await response.body.json().catch(() => ({}));
      answer = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch (cause) {
      throw this.failure(`could not reach its token endpoint ${hostOf(this.key.tokenUri)}`, cause);
    }
    const token = answer.access_token;
    if (status !== 200 || typeof token !== "string") {
      const reason = [answer.error, answer.error_description]
        .filter((part) => typeof part === "string")
        .join(": ");
      throw this.failure(
        `its token request was refused by ${hostOf(this.key.tokenUri)} (HTTP ${status}${reason ? `, ${reason}` : ""})`,
      );
    }
    // A bearer token is as good as the key for its hour: redacted like one (once per renewal, not per request).
    gatewaySecrets.add([token]);
    const lifetimeS = typeof answer.expires_in === "number" ? answer.expires_in : 3600;
    this.token = { value: token, expiresAtMs: Date.now() + lifetimeS * 1000 };
    return token;
  }

  private failure(what: string, cause?: unknown): GatewayError {
    return new GatewayError(
      "upstream_auth_failed",
      `${this.who}: could not get an access token for service account ${this.key.clientEmail}: ${what}. Check that the key in vertex_credentials is current (not deleted or revoked) and that the service account exists and is enabled.`,
      cause === undefined ? {} : { cause },
    );
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
