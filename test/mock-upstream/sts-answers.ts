import { randomBytes } from "node:crypto";
import type { AwsTestCredentials } from "./aws-sigv4-check.js";
import type { RecordedRequest } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * STS AssumeRole over the AWS query protocol (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html):
 * a form-encoded POST to `/` answered with XML, as the SDK's STS client expects.
 */
export function isAssumeRole(request: RecordedRequest): boolean {
  return request.method === "POST" && request.path === "/" && formOf(request).get("Action") === "AssumeRole";
}

function formOf(request: RecordedRequest): URLSearchParams {
  return new URLSearchParams(request.rawBody);
}

/** Issues fresh temporary credentials valid for the requested DurationSeconds (default 3600). */
export function assumeRoleResponse(
  request: RecordedRequest,
  sequence: number,
): { issued: AwsTestCredentials; response: ScriptedResponse } {
  const form = formOf(request);
  const roleArn = form.get("RoleArn") ?? "";
  const sessionName = form.get("RoleSessionName") ?? "";
  const durationS = Number(form.get("DurationSeconds") ?? "3600");
  const issued: AwsTestCredentials = {
    accessKeyId: `ASIAMOCK${String(sequence).padStart(12, "0")}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(60).toString("base64"),
  };
  const expiration = new Date(Date.now() + durationS * 1000).toISOString();
  const account = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  const body = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAMOCKROLEID:${sessionName}</AssumedRoleId>
      <Arn>arn:aws:sts::${account?.[1] ?? "000000000000"}:assumed-role/${account?.[2] ?? "role"}/${sessionName}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>req-mock-${sequence}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
  return { issued, response: { kind: "raw", status: 200, body, contentType: "text/xml" } };
}

export function stsError(status: number, code: string, message: string): ScriptedResponse {
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>req-mock</RequestId>
</ErrorResponse>`;
  return { kind: "raw", status, body, contentType: "text/xml" };
}
