import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { RecordedRequest } from "./mock-upstream.js";

export interface AwsTestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Verifies a request's AWS Signature Version 4 the way AWS does: from the credential scope in its Authorization
 * header, it finds the secret key of the access key id, signs the same request (method, host, path as sent,
 * query, signed headers, body) again at the request's own `x-amz-date` with the AWS SDK's signer, and compares.
 * Returns the problem, in the words AWS uses, or undefined when the signature is right.
 */
export async function checkSigV4(
  request: RecordedRequest,
  service: string,
  credentialsOf: (accessKeyId: string) => AwsTestCredentials | undefined,
): Promise<string | undefined> {
  const authorization = request.headers.authorization ?? "";
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (match === null) return "Missing Authentication Token";
  const [, accessKeyId, , region, signedService, signedHeaders] = match as unknown as string[];
  if (signedService !== service) return `Credential should be scoped to correct service: '${service}'.`;
  const credentials = credentialsOf(accessKeyId as string);
  if (credentials === undefined) return "The security token included in the request is invalid.";
  if (
    credentials.sessionToken !== undefined &&
    request.headers["x-amz-security-token"] !== credentials.sessionToken
  ) {
    return "The security token included in the request is invalid.";
  }
  const amzDate = request.headers["x-amz-date"] ?? "";
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (date === null) return "Missing or malformed x-amz-date.";
  const [, y, mo, d, h, mi, s] = date;
  const signingDate = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  const headers: Record<string, string> = {};
  for (const name of (signedHeaders as string).split(";")) headers[name] = request.headers[name] ?? "";
  const signer = new SignatureV4({
    credentials,
    region: region as string,
    service,
    sha256: Hash.bind(null, "sha256"),
  });
  const host = request.headers.host ?? "";
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: host.split(":")[0] ?? "",
      path: request.path,
      query: request.query,
      headers,
      body: request.rawBody,
    },
    { signingDate },
  );
  if (signed.headers.authorization !== authorization) {
    return "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.";
  }
  return undefined;
}
