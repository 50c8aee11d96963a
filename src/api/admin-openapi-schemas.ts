import {
  createGroupSchema,
  createKeySchema,
  createOrgSchema,
  rotateKeySchema,
  updateGroupSchema,
  updateKeySchema,
  updateOrgSchema,
} from "../governance/admin/admin-bodies.js";
import { jsonSchemaOf } from "./openapi/json-schema-of.js";

/**
 * The admin API in the OpenAPI document: request bodies come from the same zod schemas that validate them;
 * responses are described here. Examples never hold a real secret.
 */
export const ADMIN_TAG = "Admin API";
export const ADMIN_SECURITY = [{ masterKey: [] }];

export const adminBodies = {
  createKey: jsonSchemaOf(createKeySchema),
  updateKey: jsonSchemaOf(updateKeySchema),
  rotateKey: jsonSchemaOf(rotateKeySchema),
  createGroup: jsonSchemaOf(createGroupSchema),
  updateGroup: jsonSchemaOf(updateGroupSchema),
  createOrg: jsonSchemaOf(createOrgSchema),
  updateOrg: jsonSchemaOf(updateOrgSchema),
};

const timestamp = { type: ["string", "null"], format: "date-time" };
const attachments = {
  limits: { type: ["object", "null"], description: "rpm, rph, rpd, tpm, tpd, concurrency" },
  budgets: { type: ["array", "null"], items: { type: "object" } },
  metadata: { type: "object" },
  managed_by: { type: "string", enum: ["api", "config"] },
  created_at: { type: "string", format: "date-time" },
  updated_at: { type: "string", format: "date-time" },
  version: { type: "integer" },
};

export const keyViewSchema = {
  type: "object",
  properties: {
    id: { type: "string", description: "The public id: the key is sk-sy-<id>-<secret>." },
    key_hint: { type: "string", examples: ["sk-sy-AbCdEf123456-…"] },
    alias: { type: ["string", "null"] },
    group: { type: ["string", "null"] },
    routes: { type: ["array", "null"], items: { type: "string" } },
    models: { type: ["array", "null"], items: { type: "string" } },
    expires_at: timestamp,
    status: { type: "string", enum: ["active", "disabled", "revoked", "deleted"] },
    secrets: {
      type: "array",
      description: "When each live secret was made and until when it works (digests are never shown).",
      items: { type: "object", properties: { created_at: timestamp, not_after: timestamp } },
    },
    revoked_at: timestamp,
    deleted_at: timestamp,
    last_used_at: { ...timestamp, description: "Updated at most once a minute." },
    ...attachments,
  },
};

export const keyWithSecretSchema = {
  ...keyViewSchema,
  properties: {
    ...keyViewSchema.properties,
    key: {
      type: "string",
      description: "The whole key. Shown once: store it now; the gateway keeps only a digest.",
    },
  },
};

export const groupSchema = {
  type: "object",
  properties: { id: { type: "string" }, org: { type: ["string", "null"] }, ...attachments },
};
export const orgSchema = { type: "object", properties: { id: { type: "string" }, ...attachments } };

export function listOf(item: Record<string, unknown>): Record<string, unknown> {
  return {
    type: "object",
    properties: { data: { type: "array", items: item }, next_cursor: { type: ["string", "null"] } },
  };
}

export const auditPageSchema = {
  type: "object",
  properties: {
    entries: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          ts: { type: "string", format: "date-time" },
          actor: { type: "string", examples: ["master:ops"] },
          actor_ip: { type: ["string", "null"] },
          action: { type: "string", examples: ["key.revoke"] },
          object_type: { type: "string", enum: ["key", "group", "org"] },
          object_id: { type: "string" },
          before: { description: "The object before the change (public form: no digest, no secret)." },
          after: { description: "The object after the change (public form)." },
          request_id: { type: ["string", "null"] },
        },
      },
    },
    next_cursor: { type: ["string", "null"] },
  },
};

export const idParams = { type: "object", properties: { id: { type: "string" } }, required: ["id"] };
