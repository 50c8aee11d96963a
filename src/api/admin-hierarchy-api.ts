import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseAdminBody } from "../governance/admin/admin-bodies.js";
import type { AdminContext } from "./admin-api.js";
import { adminBodies, groupSchema, idParams, listOf, orgSchema } from "./admin-openapi-schemas.js";

type IdRequest = { Params: { id: string } };

const groupQuerySchema = z.object({ org: z.string().min(1).max(64).optional() }).strict();

/** `/admin/v1/groups` and `/admin/v1/orgs`: teams nest under an org; both carry limits and budgets. */
export function registerAdminHierarchy(scope: FastifyInstance, context: AdminContext): void {
  const hierarchy = () => context.operations().hierarchy;
  const reader = () => context.operations().reader;

  scope.post(
    "/orgs",
    {
      schema: context.schema("createOrg", "Create an org", {
        body: adminBodies.createOrg,
        response: { 201: orgSchema },
      }),
    },
    async (request, reply) =>
      reply.status(201).send(await hierarchy().createOrg(request.body, context.actorOf(request))),
  );
  scope.get(
    "/orgs",
    { schema: context.schema("listOrgs", "List orgs", { response: { 200: listOf(orgSchema) } }) },
    async () => ({
      data: await reader().list("org"),
      next_cursor: null,
    }),
  );
  scope.get<IdRequest>(
    "/orgs/:id",
    { schema: context.schema("getOrg", "Read an org", { params: idParams, response: { 200: orgSchema } }) },
    async (request) => reader().require("org", request.params.id),
  );
  scope.patch<IdRequest>(
    "/orgs/:id",
    {
      schema: context.schema("updateOrg", "Change an org's limits, budgets or metadata", {
        params: idParams,
        body: adminBodies.updateOrg,
        response: { 200: orgSchema },
      }),
    },
    async (request) => hierarchy().updateOrg(request.params.id, request.body, context.actorOf(request)),
  );
  scope.delete<IdRequest>(
    "/orgs/:id",
    {
      schema: context.schema("deleteOrg", "Delete an org without groups", {
        params: idParams,
        response: { 200: orgSchema },
      }),
    },
    async (request) => hierarchy().deleteOrg(request.params.id, context.actorOf(request)),
  );

  scope.post(
    "/groups",
    {
      schema: context.schema("createGroup", "Create a group (a team), optionally under an org", {
        body: adminBodies.createGroup,
        response: { 201: groupSchema },
      }),
    },
    async (request, reply) =>
      reply.status(201).send(await hierarchy().createGroup(request.body, context.actorOf(request))),
  );
  scope.get(
    "/groups",
    {
      schema: context.schema("listGroups", "List groups (of one org with ?org=)", {
        querystring: { type: "object", properties: { org: { type: "string" } } },
        response: { 200: listOf(groupSchema) },
      }),
    },
    async (request) => {
      const { org } = parseAdminBody(groupQuerySchema, request.query);
      const groups = await reader().list("group");
      return {
        data: org === undefined ? groups : groups.filter((group) => group.org === org),
        next_cursor: null,
      };
    },
  );
  scope.get<IdRequest>(
    "/groups/:id",
    {
      schema: context.schema("getGroup", "Read a group", {
        params: idParams,
        response: { 200: groupSchema },
      }),
    },
    async (request) => reader().require("group", request.params.id),
  );
  scope.patch<IdRequest>(
    "/groups/:id",
    {
      schema: context.schema("updateGroup", "Change a group's org, limits, budgets or metadata", {
        params: idParams,
        body: adminBodies.updateGroup,
        response: { 200: groupSchema },
      }),
    },
    async (request) => hierarchy().updateGroup(request.params.id, request.body, context.actorOf(request)),
  );
  scope.delete<IdRequest>(
    "/groups/:id",
    {
      schema: context.schema("deleteGroup", "Delete a group without keys", {
        params: idParams,
        response: { 200: groupSchema },
      }),
    },
    async (request) => hierarchy().deleteGroup(request.params.id, context.actorOf(request)),
  );
}
