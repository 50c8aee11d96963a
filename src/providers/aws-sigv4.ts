import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { UpstreamCall } from "./upstream-target.js";

/**
 * Signs each call with AWS Signature Version 4
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html) through the AWS
 * SDK's own signer, hashing with Node's crypto as the SDK does on Node. The path is signed as it is sent, already
 * percent-encoded (a model id's `:` is `%3A`); the signer encodes it once more for the canonical request, which
 * is the rule for every service but S3 and the one gateways most often get wrong.
 */
export function createSigV4Authorizer(
  origin: string,
  region: string,
  service: string,
  credentials: AwsCredentialIdentityProvider,
): (call: UpstreamCall) => Promise<UpstreamCall> {
  const signer = new SignatureV4({ credentials, region, service, sha256: Hash.bind(null, "sha256") });
  const url = new URL(origin);
  const port = url.port === "" ? undefined : Number(url.port);
  return async (call) => {
    const queryAt = call.path.indexOf("?");
    const path = queryAt === -1 ? call.path : call.path.slice(0, queryAt);
    const query = queryAt === -1 ? {} : Object.fromEntries(new URLSearchParams(call.path.slice(queryAt + 1)));
    const signed = await signer.sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      ...(port !== undefined && { port }),
      path,
      query,
      headers: { ...call.headers, host: url.host },
      body: call.body,
    });
    return { ...call, headers: signed.headers };
  };
}
