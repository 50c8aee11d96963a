import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from "@smithy/core";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { GatewayError } from "../canonical/index.js";
import { gatewaySecrets } from "../observability/secret-set.js";

/** Where a Bedrock target's AWS credentials come from: MLflow's three `aws_config` forms. */
export type AwsCredentialSource =
  | { kind: "keys"; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | {
      kind: "role";
      roleArn: string;
      sessionSeconds: number;
      /** The credentials that assume the role: the given keys, else the default chain. */
      source: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
      stsEndpoint: string | undefined;
      region: string;
    }
  | { kind: "default-chain" };

/** MLflow's session name for the role it assumes; CloudTrail shows it. */
const ROLE_SESSION_NAME = "switchyard-bedrock";

/**
 * Builds a credential provider with the AWS SDK's own providers: static keys; a role assumed through STS
 * (`fromTemporaryCredentials`), refreshed before its session expires; or the SDK's default chain (environment,
 * shared files, SSO, web identity, container and instance metadata). Credentials are cached and refreshed
 * five minutes before they expire (the SDK's memoization), so a request waits for STS or the metadata service
 * only when no valid credentials are at hand. A failure to get any becomes `upstream_auth_failed`, saying what to
 * check and never showing a credential.
 */
export function createAwsCredentialProvider(source: AwsCredentialSource): AwsCredentialIdentityProvider {
  if (source.kind === "keys") {
    const identity: AwsCredentialIdentity = {
      accessKeyId: source.accessKeyId,
      secretAccessKey: source.secretAccessKey,
      ...(source.sessionToken !== undefined && { sessionToken: source.sessionToken }),
    };
    return () => Promise.resolve(identity);
  }
  // The SDK's credential providers are a large module tree, needed only for a role or the default chain: they
  // load when the first request needs credentials.
  let sdkProvider: Promise<AwsCredentialIdentityProvider> | undefined;
  const loadSdkProvider = async (): Promise<AwsCredentialIdentityProvider> => {
    const { fromNodeProviderChain, fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
    return source.kind === "role"
      ? fromTemporaryCredentials({
          params: {
            RoleArn: source.roleArn,
            RoleSessionName: ROLE_SESSION_NAME,
            DurationSeconds: source.sessionSeconds,
          },
          ...(source.source !== undefined && { masterCredentials: source.source }),
          clientConfig: {
            region: source.region,
            ...(source.stsEndpoint !== undefined && { endpoint: source.stsEndpoint }),
          },
        })
      : fromNodeProviderChain();
  };
  const provider: AwsCredentialIdentityProvider = async (options) => {
    sdkProvider ??= loadSdkProvider();
    const identity = await (await sdkProvider)(options);
    // Credentials found at run time (an assumed role's session, the chain's) are redacted like configured
    // ones; this runs once per refresh (the memoization below), not per request.
    gatewaySecrets.add(
      [identity.secretAccessKey, identity.sessionToken].filter((value) => value !== undefined),
    );
    return identity;
  };
  const memoized = memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh);
  // memoizeIdentityProvider returns undefined only when given no provider.
  if (memoized === undefined) throw new Error("memoizeIdentityProvider returned no provider");
  return async () => {
    try {
      return await memoized();
    } catch (error) {
      throw credentialFailure(source, error);
    }
  };
}

function credentialFailure(source: AwsCredentialSource, error: unknown): GatewayError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const message =
    source.kind === "role"
      ? `Amazon Bedrock: could not assume role ${source.roleArn} through STS (${reason}). Check that the role exists, that its trust policy lets the source credentials assume it, and that they may call sts:AssumeRole.`
      : `Amazon Bedrock: the AWS default credential chain found no usable credentials (${reason}). Set AWS credentials in the gateway's environment, shared credentials file or instance role, or give aws_access_key_id and aws_secret_access_key in aws_config.`;
  return new GatewayError("upstream_auth_failed", message, { cause: error });
}
