import { invalidBody } from "./body-validation.js";

/**
 * The end user an OpenAI-shaped request names, for attribution: `user` (chat, completions, embeddings, Responses),
 * else `safety_identifier` (chat and Responses: "a stable identifier used to help detect users of your
 * application", https://platform.openai.com/docs/api-reference/chat/create). Undefined when the body names none;
 * a name longer than `maxChars` is refused with OpenAI's own words for a string too long.
 */
export function openAIEndUser(body: Record<string, unknown>, maxChars: number): string | undefined {
  return endUserField(body, "user", maxChars) ?? endUserField(body, "safety_identifier", maxChars);
}

function endUserField(body: Record<string, unknown>, name: string, maxChars: number): string | undefined {
  const value = body[name];
  // Another type is the body's validation's to refuse (or the upstream's, for a relayed body): not a name.
  if (typeof value !== "string" || value === "") return undefined;
  if (value.length > maxChars)
    throw invalidBody(
      `Invalid '${name}': string too long. Expected a string with maximum length ${maxChars}, but got a string with length ${value.length} instead.`,
      [name],
    );
  return value;
}
