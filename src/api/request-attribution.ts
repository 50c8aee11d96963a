import type { IncomingHttpHeaders } from "node:http";
import { GatewayError } from "../canonical/index.js";
import { anthropicEndUser } from "../dialects/anthropic/end-user.js";
import { openAIEndUser } from "../dialects/openai/end-user.js";
import { type GovernedCall, NO_TAGS } from "../governance/governed-call.js";
import { gatewaySecrets } from "../observability/secret-set.js";

/** Names the end user a request is for; wins over the body's own field (`user`, `metadata.user_id`). */
export const END_USER_HEADER = "x-switchyard-end-user";
/** Labels for the request, comma-separated, recorded in the usage log. */
export const TAGS_HEADER = "x-switchyard-tags";

/** The usage log records at most this much of each: a client must not grow every record without bound. */
export const MAX_END_USER_CHARS = 256;
export const MAX_TAGS = 16;
export const MAX_TAG_CHARS = 64;

/** Characters a tag may have: enough for `team:search`, `env=prod`, `app/v2`; nothing to quote or escape. */
const TAG = /^[A-Za-z0-9_.:/=-]+$/;
const TAG_RULE = `at most ${MAX_TAGS} tags, separated by commas, each of 1 to ${MAX_TAG_CHARS} characters among A-Z a-z 0-9 _ . : / = -`;

/** Where each API's bodies name the end user (MLflow's bodies have no such field: the header only). */
const BODY_END_USER: Readonly<
  Record<string, ((body: Record<string, unknown>, maxChars: number) => string | undefined) | undefined>
> = {
  openai: openAIEndUser,
  responses: openAIEndUser,
  deployments: openAIEndUser,
  anthropic: anthropicEndUser,
};

/**
 * Records who a request is for and the client's tags on its governed call, for the usage log: the end user from
 * `x-switchyard-end-user`, else from the body's own field; the tags from `x-switchyard-tags`. Values out of
 * bounds are refused with a 400 naming the header (or the body's field) and the bound, in the API's error
 * format. A secret in either (a key pasted by mistake) is recorded redacted, as in logs. Nothing is read from a
 * credential. A request that sends neither header costs two header lookups and a body field read.
 */
export function attributeRequest(
  call: GovernedCall,
  api: string,
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
): void {
  const header = headers[END_USER_HEADER];
  const endUser =
    typeof header === "string" && header !== ""
      ? checkedEndUser(header)
      : BODY_END_USER[api]?.(body, MAX_END_USER_CHARS);
  if (endUser !== undefined) call.endUser = unsecret(endUser);
  const tags = headers[TAGS_HEADER];
  if (typeof tags === "string") call.tags = parseTags(tags);
}

function checkedEndUser(value: string): string {
  if (value.length > MAX_END_USER_CHARS)
    throw new GatewayError(
      "invalid_parameter",
      `The header ${END_USER_HEADER} is ${value.length} characters long; the end user may have at most ${MAX_END_USER_CHARS}.`,
      { param: END_USER_HEADER },
    );
  return value;
}

/** The header's tags, trimmed, empty ones dropped; refused (400) when any is out of bounds. */
export function parseTags(value: string): readonly string[] {
  const tags: string[] = [];
  for (const piece of value.split(",")) {
    const tag = piece.trim();
    if (tag === "") continue;
    if (tag.length > MAX_TAG_CHARS || !TAG.test(tag)) throw badTags(`the tag '${shown(tag)}' is not allowed`);
    if (tags.length === MAX_TAGS) throw badTags(`it has more than ${MAX_TAGS} tags`);
    tags.push(unsecret(tag));
  }
  return tags.length === 0 ? NO_TAGS : tags;
}

function badTags(problem: string): GatewayError {
  const message = `The header ${TAGS_HEADER} is invalid: ${problem}. Send ${TAG_RULE}.`;
  return new GatewayError("invalid_parameter", message, { param: TAGS_HEADER });
}

/** A refused tag as the message quotes it: bounded, and never a secret. */
function shown(tag: string): string {
  const short = tag.length > MAX_TAG_CHARS ? `${tag.slice(0, MAX_TAG_CHARS)}...` : tag;
  return unsecret(short);
}

function unsecret(value: string): string {
  return gatewaySecrets.empty ? value : gatewaySecrets.redactText(value);
}
