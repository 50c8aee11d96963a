import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseAdminBody } from "../governance/admin/admin-bodies.js";
import type { AdminContext } from "./admin-api.js";
import {
  adminBodies,
  idParams,
  keyViewSchema,
  keyWithSecretSchema,
  listOf,
} from "./admin-openapi-schemas.js";

type IdRequest = { Params: { id: string } };

const listQuerySchema = z
  .object({
    group: z.string().min(1).max(64).optional(),
    status: z.enum(["active", "disabled", "revoked", "deleted"]).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().min(1).max(64).optional(),
  })
  .strict();

/** `/admin/v1/keys`: create (201, the secret shown once), list, read, change, rotate, revoke, delete. */
export function registerAdminKeys(scope: FastifyInstance, context: AdminContext): void {
  scope.post(
    "/keys",
    {
      schema: context.schema("createKey", "Create a gateway key (the answer holds the secret, once)", {
        body: adminBodies.createKey,
        response: { 201: keyWithSecretSchema },
      }),
    },
    async (request, reply) => {
      const created = await context
        .operations()
        .keys.create(request.body, context.actorOf(request), context.catalogue());
      request.showsNewKey = true;
      return reply.status(201).send(created);
    },
  );
  scope.get(
    "/keys",
    {
      schema: context.schema("listKeys", "List gateway keys (deleted ones only with status=deleted)", {
        querystring: {
          type: "object",
          properties: {
            group: { type: "string" },
            status: { type: "string", enum: ["active", "disabled", "revoked", "deleted"] },
            limit: { type: "integer", minimum: 1, maximum: 1000 },
            cursor: { type: "string", description: "next_cursor of the previous page" },
          },
        },
        response: { 200: listOf(keyViewSchema) },
      }),
    },
    async (request) => {
      const query = parseAdminBody(listQuerySchema, request.query);
      return context.operations().keys.list({
        limit: query.limit ?? 100,
        ...(query.group === undefined ? {} : { group: query.group }),
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
    },
  );
  scope.get<IdRequest>(
    "/keys/:id",
    {
      schema: context.schema("getKey", "Read a gateway key (never its secret)", {
        params: idParams,
        response: { 200: keyViewSchema },
      }),
    },
    async (request) => context.operations().keys.get(request.params.id),
  );
  scope.patch<IdRequest>(
    "/keys/:id",
    {
      schema: context.schema(
        "updateKey",
        "Change a key's alias, group, scopes, expiry, limits, budgets, metadata or status",
        {
          params: idParams,
          body: adminBodies.updateKey,
          response: { 200: keyViewSchema },
        },
      ),
    },
    async (request) =>
      context
        .operations()
        .keys.update(request.params.id, request.body, context.actorOf(request), context.catalogue()),
  );
  scope.post<IdRequest>(
    "/keys/:id/rotate",
    {
      schema: context.schema(
        "rotateKey",
        "Rotate a key's secret, keeping its id; the old secret works for the grace period",
        {
          params: idParams,
          body: adminBodies.rotateKey,
          response: { 200: keyWithSecretSchema },
        },
      ),
    },
    async (request) => {
      const rotated = await context
        .operations()
        .keys.rotate(request.params.id, request.body, context.actorOf(request));
      request.showsNewKey = true;
      return rotated;
    },
  );
  scope.post<IdRequest>(
    "/keys/:id/revoke",
    {
      schema: context.schema("revokeKey", "Revoke a key at once, on every worker and replica", {
        params: idParams,
        response: { 200: keyViewSchema },
      }),
    },
    async (request) => context.operations().keys.revoke(request.params.id, context.actorOf(request)),
  );
  scope.delete<IdRequest>(
    "/keys/:id",
    {
      schema: context.schema(
        "deleteKey",
        "Delete a key (soft: it stops working; its record stays for usage history)",
        {
          params: idParams,
          response: { 200: keyViewSchema },
        },
      ),
    },
    async (request) => context.operations().keys.remove(request.params.id, context.actorOf(request)),
  );
}
