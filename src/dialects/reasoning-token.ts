import type { Reasoning } from "../canonical/index.js";

/**
 * Reasoning travels through clients as an opaque token they hand back in the next turn (Anthropic's thinking
 * `signature`, OpenAI's reasoning `encrypted_content`), and each upstream accepts only its own tokens. When a
 * client of one dialect gets reasoning from an upstream of another family, the gateway hands out a token of its
 * own that names the family: `switchyard:v1:<origin>:<token>`. When it comes back, the origin says which
 * upstreams may receive it, and a same-dialect relay removes such foreign reasoning before passing a body on.
 * A token without the prefix is the client dialect's own (it came from an upstream of that dialect).
 */
const PREFIX = "switchyard:v1:";

/** The token a client of the dialect `own` gets for this reasoning. */
export function encodeReasoningToken(reasoning: Reasoning, own: string): string {
  if (reasoning.origin === own) return reasoning.signature ?? reasoning.redacted ?? "";
  return `${PREFIX}${reasoning.origin ?? "unknown"}:${reasoning.signature ?? ""}`;
}

/** Whether a token came from another family than the client dialect's own. */
export function isForeignReasoningToken(token: unknown): boolean {
  return typeof token === "string" && token.startsWith(PREFIX);
}

/** The origin and upstream token of a token a client sent back (see encodeReasoningToken). */
export function decodeReasoningToken(token: string, own: string): { origin: string; signature?: string } {
  if (!token.startsWith(PREFIX)) return { origin: own, signature: token };
  const rest = token.slice(PREFIX.length);
  const colon = rest.indexOf(":");
  const origin = colon === -1 ? rest : rest.slice(0, colon);
  const signature = colon === -1 ? "" : rest.slice(colon + 1);
  return signature === "" ? { origin } : { origin, signature };
}
