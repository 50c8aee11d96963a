import { jsonWithModel, withAddedFields } from "../../serialisation/client-json.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { isForeignReasoningToken } from "../reasoning-token.js";

/**
 * A Responses body from a client, prepared to be relayed to OpenAI's Responses API as it is, but for:
 * - the route's model in place of the name the client used;
 * - `store: false`: the gateway's own store keeps responses (responses-store), so nothing is left at the
 *   upstream that the operator did not configure; `previous_response_id` has already been replaced by the
 *   stored conversation (see withEncryptedReasoning);
 * - reasoning items another provider produced (their token is the gateway's, see reasoning-token.ts) removed,
 *   since OpenAI would refuse content it did not encrypt.
 * A stateless conversation served by OpenAI alone reaches it unchanged but for the model and `store`.
 */
export function prepareRelayedResponsesBody(body: JsonRecord, model: string): JsonRecord {
  const { model: _requested, ...rest } = body;
  const prepared: JsonRecord = { model, ...rest, store: false };
  if (Array.isArray(body.input) && body.input.some(isForeignReasoning))
    prepared.input = body.input.filter((item) => !isForeignReasoning(item));
  return prepared;
}

/**
 * The relayed body's JSON (prepareRelayedResponsesBody): the client's own text with the model replaced and
 * `store: false` added when nothing else changes (serialisation/client-json.ts).
 */
export function relayedResponsesJson(body: JsonRecord, model: string): string {
  if (Array.isArray(body.input) && body.input.some(isForeignReasoning))
    return JSON.stringify(prepareRelayedResponsesBody(body, model));
  return jsonWithModel(body.store === false ? body : withAddedFields(body, { store: false }), model);
}

function isForeignReasoning(item: unknown): boolean {
  return isRecord(item) && item.type === "reasoning" && isForeignReasoningToken(item.encrypted_content);
}

/**
 * The body asking for `reasoning.encrypted_content` too: when the gateway stores a response, OpenAI (which keeps
 * nothing, see above) can only take its reasoning back in a later turn with its encrypted content.
 */
export function withEncryptedReasoning(body: JsonRecord): JsonRecord {
  const include = Array.isArray(body.include) ? body.include : [];
  return include.includes("reasoning.encrypted_content")
    ? body
    : { ...body, include: [...include, "reasoning.encrypted_content"] };
}
