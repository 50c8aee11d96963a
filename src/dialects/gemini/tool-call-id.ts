/**
 * Gemini function calls have no id on most models (https://ai.google.dev/api/caching#FunctionCall: `id` is
 * optional), while OpenAI-style clients answer each call by id. The gateway gives each call an id of its own and,
 * on the way back, finds the call a tool message answers by that id in the request's own history (Gemini needs
 * the function's name in a `functionResponse`, not an id).
 *
 * Thinking models also return a `thoughtSignature` on function-call parts, which must be sent back with that
 * part in the next turn or the request is refused
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). OpenAI-style clients keep nothing but the id, so
 * the signature travels inside it, after a separator that names the service that signed it (the Gemini API's
 * `__thought__`, Vertex AI's `__thought-vertex_ai__`): a signature goes back only to the service that made it.
 * The signature (base64) is written in base64url without padding, so that the id stays within the tool-use id
 * pattern of the Messages API (`^[a-zA-Z0-9_-]+$`), which agents check; both forms are read back.
 */
const SIGNATURE_MARK = "__thought";

function separatorOf(origin: string): string {
  return origin === "gemini" ? `${SIGNATURE_MARK}__` : `${SIGNATURE_MARK}-${origin}__`;
}

/**
 * The id a client sees for a function call: Gemini's own when it gave one, else `call_<responseId>_<n>` (n counts
 * the response's calls from 0; `call_<n>` when the response has no id), with the part's thought signature
 * appended when it has one. Ids stay unique across a conversation, which some agent frameworks rely on.
 */
export function encodeToolCallId(
  upstreamId: string | undefined,
  responseId: string | undefined,
  position: number,
  thoughtSignature: string | undefined,
  origin = "gemini",
): string {
  const synthetic =
    responseId === undefined || !/^[A-Za-z0-9-]+$/.test(responseId)
      ? `call_${position}`
      : `call_${responseId}_${position}`;
  const id = upstreamId !== undefined && upstreamId !== "" ? upstreamId : synthetic;
  if (thoughtSignature === undefined) return id;
  const urlSafe = thoughtSignature.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${id}${separatorOf(origin)}${urlSafe}`;
}

/** A signature in base64url (or already in base64) as the base64 Gemini sent. */
function standardBase64(signature: string): string {
  const base64 = signature.replaceAll("-", "+").replaceAll("_", "/");
  return base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
}

/**
 * Splits a client's tool-call id back into the call's own id and the thought signature it carries, when the
 * service `origin` made that signature (another's is left out).
 */
export function decodeToolCallId(
  id: string,
  origin = "gemini",
): { id: string; thoughtSignature: string | undefined } {
  const at = id.indexOf(SIGNATURE_MARK);
  if (at === -1) return { id, thoughtSignature: undefined };
  const rest = id.slice(at);
  let signer = "gemini";
  let signature = rest.slice(separatorOf("gemini").length);
  if (rest.startsWith(`${SIGNATURE_MARK}-`)) {
    const end = rest.indexOf("__", SIGNATURE_MARK.length);
    signer = end === -1 ? "" : rest.slice(SIGNATURE_MARK.length + 1, end);
    signature = end === -1 ? "" : rest.slice(end + 2);
  }
  const own = signer === origin && signature !== "";
  return { id: id.slice(0, at), thoughtSignature: own ? standardBase64(signature) : undefined };
}

/** Whether an id was made by the gateway rather than given by Gemini, so not to be sent back. */
export function isSyntheticToolCallId(id: string): boolean {
  return /^call_(?:[A-Za-z0-9-]+_)?\d+$/.test(id);
}
