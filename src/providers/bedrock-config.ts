import { z } from "zod";
import type { AwsCredentialSource } from "./aws-credentials.js";
import { httpUrlSchema } from "./http-url-schema.js";

/** STS's limits on an assumed role's session (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
const SESSION_SECONDS = { min: 900, max: 43_200 };

/**
 * MLflow's `aws_config` (its three forms: a role to assume, access keys, or neither for the default chain), plus
 * `aws_sts_endpoint` for STS behind a VPC endpoint. The region is required, from here or AWS_REGION /
 * AWS_DEFAULT_REGION (filled in when the config loads).
 */
const awsConfigSchema = z
  .object({
    aws_region: z.string().min(1).optional(),
    aws_access_key_id: z.string().min(1).optional(),
    aws_secret_access_key: z.string().min(1).optional(),
    aws_session_token: z.string().min(1).optional(),
    aws_role_arn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
        "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
      )
      .optional(),
    session_length_seconds: z.number().int().min(SESSION_SECONDS.min).max(SESSION_SECONDS.max).optional(),
    aws_sts_endpoint: httpUrlSchema.optional(),
  })
  .strict()
  .superRefine((config, context) => {
    const issue = (key: string, message: string) =>
      context.addIssue({ code: "custom", path: [key], message });
    if (config.aws_region === undefined) {
      issue(
        "aws_region",
        "is required: the AWS region of the Bedrock endpoint (e.g. us-east-1); give it here or set AWS_REGION",
      );
    }
    if ((config.aws_access_key_id === undefined) !== (config.aws_secret_access_key === undefined)) {
      const missing = config.aws_access_key_id === undefined ? "aws_access_key_id" : "aws_secret_access_key";
      issue(
        missing,
        "is required with the other access key (aws_access_key_id and aws_secret_access_key go together)",
      );
    }
    if (config.aws_session_token !== undefined && config.aws_access_key_id === undefined) {
      issue("aws_session_token", "is only allowed with aws_access_key_id and aws_secret_access_key");
    }
    for (const key of ["session_length_seconds", "aws_sts_endpoint"] as const) {
      if (config[key] !== undefined && config.aws_role_arn === undefined)
        issue(key, "is only allowed with aws_role_arn");
    }
  });

/**
 * `model.config` of the bedrock provider: `aws_config`, and optionally `bedrock_api_key` (a Bedrock API key,
 * sent as a bearer token instead of SigV4: https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html)
 * and `bedrock_api_base` (a VPC endpoint or proxy instead of `https://bedrock-runtime.<region>.amazonaws.com`).
 */
export const bedrockConfigSchema = z
  .object({
    aws_config: awsConfigSchema.default({}),
    bedrock_api_key: z.string().min(1).optional(),
    bedrock_api_base: httpUrlSchema.optional(),
  })
  .strict()
  .superRefine((config, context) => {
    const aws = config.aws_config;
    if (
      config.bedrock_api_key !== undefined &&
      (aws.aws_access_key_id !== undefined || aws.aws_role_arn !== undefined)
    ) {
      context.addIssue({
        code: "custom",
        path: ["bedrock_api_key"],
        message: "cannot be combined with AWS keys or a role in aws_config: choose one way to authenticate",
      });
    }
  });

export type BedrockConfig = z.infer<typeof bedrockConfigSchema>;

export const BEDROCK_SECRET_FIELDS = [
  "bedrock_api_key",
  "aws_config.aws_access_key_id",
  "aws_config.aws_secret_access_key",
  "aws_config.aws_session_token",
];

/** AWS's own tools read the region from these (https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html). */
export function fillRegionFromEnvironment(config: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === "") return;
  const aws = config.aws_config ?? {};
  if (typeof aws !== "object" || aws === null || Array.isArray(aws)) return;
  const record = aws as Record<string, unknown>;
  if (record.aws_region === undefined) config.aws_config = { ...record, aws_region: region };
}

/** Which of MLflow's forms the config is, in MLflow's order: role, then keys, then the default chain. */
export function credentialSourceOf(config: BedrockConfig): AwsCredentialSource {
  const aws = config.aws_config;
  const keys =
    aws.aws_access_key_id !== undefined && aws.aws_secret_access_key !== undefined
      ? {
          accessKeyId: aws.aws_access_key_id,
          secretAccessKey: aws.aws_secret_access_key,
          ...(aws.aws_session_token !== undefined && { sessionToken: aws.aws_session_token }),
        }
      : undefined;
  if (aws.aws_role_arn !== undefined) {
    return {
      kind: "role",
      roleArn: aws.aws_role_arn,
      sessionSeconds: aws.session_length_seconds ?? SESSION_SECONDS.min,
      source: keys,
      stsEndpoint: aws.aws_sts_endpoint,
      region: aws.aws_region ?? "",
    };
  }
  return keys === undefined ? { kind: "default-chain" } : { kind: "keys", ...keys };
}
