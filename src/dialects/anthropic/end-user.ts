import { GatewayError } from "../../canonical/index.js";

/**
 * The end user a Messages request names, for attribution: `metadata.user_id` ("an external identifier for the
 * user who is associated with the request", https://docs.anthropic.com/en/api/messages). Undefined when the body
 * names none; one longer than `maxChars` is refused as the body's validation refuses a field.
 */
export function anthropicEndUser(body: Record<string, unknown>, maxChars: number): string | undefined {
  const metadata = body.metadata;
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const value = (metadata as Record<string, unknown>).user_id;
  // Another type is the body's validation's to refuse (or Anthropic's, for a relayed body): not a name.
  if (typeof value !== "string" || value === "") return undefined;
  if (value.length > maxChars)
    throw new GatewayError(
      "invalid_body",
      `metadata.user_id: must be at most ${maxChars} characters long (got ${value.length})`,
      { param: "metadata.user_id" },
    );
  return value;
}
