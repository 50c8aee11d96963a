import type { ErrorSignals, UpstreamErrorFields } from "../../canonical/index.js";
import { isRecord, optionalString } from "../narrow.js";

/**
 * What Cohere's errors mean, for routing (`{"message": "..."}`, https://docs.cohere.com/reference/errors): its
 * errors have no code, so a prompt beyond the context window is only recognisable by its words ("too many
 * tokens: size limit exceeded").
 */
export const COHERE_ERROR_SIGNALS: ErrorSignals = {
  readFields: readCohereErrorFields,
  signals: [{ kind: "context_length", message: /too many tokens/i }],
};

export function readCohereErrorFields(body: unknown): UpstreamErrorFields {
  if (!isRecord(body)) return {};
  const message = optionalString(body.message);
  return message === undefined ? {} : { message };
}
