import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AccessGateway,
  bearer,
  governanceYaml,
  MASTER_KEY,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "./access-gateway.js";

/**
 * The admin API and `/v1/me` as the OpenAPI document describes them: valid OpenAPI 3.1, an id for every
 * operation, and real requests and responses (successes and errors) that validate against the document itself.
 */
interface Operation {
  operationId?: string;
  tags?: string[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const addFormats = addFormatsModule.default;
let gateway: AccessGateway;
let document: Document;
let ajv: Ajv2020;

beforeAll(async () => {
  gateway = await startAccessGateway(
    (directory) =>
      routesYaml() + governanceYaml(directory, "", "required: true\n    surfaces: { openapi: open }"),
  );
  document = (await gateway.request("GET", "/openapi.json")).body as Document;
  ajv = new Ajv2020({ strict: false, allowUnionTypes: true, logger: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: "https://switchyard.test/openapi.json" });
});
afterAll(async () => {
  await gateway.close();
  removeDirectory(gateway.directory);
});

const pointer = (...parts: string[]): string =>
  `https://switchyard.test/openapi.json#/${parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;

/** Sends one call and checks its request body and its answer against the operation it belongs to. */
async function exchange(
  method: string,
  template: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; status: number },
): Promise<unknown> {
  const operation = document.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is not in the document`).toBeDefined();
  if (options.body !== undefined && options.status < 300) {
    const validate = ajv.compile({
      $ref: pointer(
        "paths",
        template,
        method.toLowerCase(),
        "requestBody",
        "content",
        "application/json",
        "schema",
      ),
    });
    expect(validate(options.body), `${method} ${path} request: ${JSON.stringify(validate.errors)}`).toBe(
      true,
    );
  }
  const answer = await gateway.request(method, path, {
    headers: options.headers ?? bearer(MASTER_KEY),
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(options.status);
  const status = String(answer.status);
  expect(operation?.responses[status], `${method} ${template}: ${status} is not documented`).toBeDefined();
  const validate = ajv.compile({
    $ref: pointer(
      "paths",
      template,
      method.toLowerCase(),
      "responses",
      status,
      "content",
      "application/json",
      "schema",
    ),
  });
  expect(
    validate(answer.body),
    `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}\n${answer.text}`,
  ).toBe(true);
  return answer.body;
}

describe("the admin API in the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 with an id and the Admin API tag on every admin operation", async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    const admin = Object.entries(document.paths)
      .filter(([path]) => path.startsWith("/admin/v1"))
      .flatMap(([, methods]) => Object.values(methods));
    expect(admin.map((operation) => operation.operationId).sort()).toEqual(
      [
        "createGroup",
        "createKey",
        "createOrg",
        "deleteGroup",
        "deleteKey",
        "deleteOrg",
        "getGroup",
        "getKey",
        "getOrg",
        "listBudgets",
        "listGroups",
        "listKeys",
        "listOrgs",
        "readAuditLog",
        "readKeyQuota",
        "readUsage",
        "revokeKey",
        "rotateKey",
        "updateGroup",
        "updateKey",
        "updateOrg",
      ].sort(),
    );
    for (const operation of admin) expect(operation.tags).toEqual(["Admin API"]);
    expect(document.paths["/v1/me"]?.get?.operationId).toBe("getOwnKey");
  });

  it("describes every real request and answer of the admin API and /v1/me", async () => {
    await exchange("POST", "/admin/v1/orgs", "/admin/v1/orgs", {
      body: { id: "acme", budgets: [{ amount_usd: 10, period: "month" }] },
      status: 201,
    });
    await exchange("GET", "/admin/v1/orgs", "/admin/v1/orgs", { status: 200 });
    await exchange("GET", "/admin/v1/orgs/{id}", "/admin/v1/orgs/acme", { status: 200 });
    await exchange("PATCH", "/admin/v1/orgs/{id}", "/admin/v1/orgs/acme", {
      body: { metadata: { cost_center: "42" } },
      status: 200,
    });
    await exchange("POST", "/admin/v1/groups", "/admin/v1/groups", {
      body: { id: "team", org: "acme", limits: { rpm: 10 } },
      status: 201,
    });
    await exchange("GET", "/admin/v1/groups", "/admin/v1/groups?org=acme", { status: 200 });
    await exchange("GET", "/admin/v1/groups/{id}", "/admin/v1/groups/team", { status: 200 });
    await exchange("PATCH", "/admin/v1/groups/{id}", "/admin/v1/groups/team", {
      body: { limits: null },
      status: 200,
    });
    const created = (await exchange("POST", "/admin/v1/keys", "/admin/v1/keys", {
      body: {
        alias: "documented",
        group: "team",
        routes: ["chat"],
        expires_at: "2999-01-01T00:00:00Z",
        metadata: { a: 1 },
      },
      status: 201,
    })) as { id: string; key: string };
    await exchange("GET", "/admin/v1/keys", "/admin/v1/keys?limit=5", { status: 200 });
    await exchange("GET", "/admin/v1/keys/{id}", `/admin/v1/keys/${created.id}`, { status: 200 });
    await exchange("PATCH", "/admin/v1/keys/{id}", `/admin/v1/keys/${created.id}`, {
      body: { models: ["mock-*"] },
      status: 200,
    });
    await exchange("GET", "/v1/me", "/v1/me", { headers: bearer(created.key), status: 200 });
    const budgets = (await exchange("GET", "/admin/v1/budgets", "/admin/v1/budgets?limit=10", {
      status: 200,
    })) as { data: { scope: string; id: string }[] };
    expect(budgets.data.map((budget) => `${budget.scope}:${budget.id}`)).toEqual(["org:acme"]);
    await exchange("GET", "/admin/v1/budgets", "/admin/v1/budgets?scope=nowhere", { status: 400 });
    await exchange("GET", "/admin/v1/usage", "/admin/v1/usage?bucket=hour&group_by=hour,key,group,route", {
      status: 200,
    });
    await exchange("GET", "/admin/v1/usage", "/admin/v1/usage?group_by=day,model", {
      status: 200,
    });
    await exchange("GET", "/admin/v1/usage", "/admin/v1/usage?bucket=week", { status: 400 });
    const quota = (await exchange("GET", "/admin/v1/keys/{id}/quota", `/admin/v1/keys/${created.id}/quota`, {
      status: 200,
    })) as { id: string; quota: unknown };
    expect(quota.id).toBe(created.id);
    await exchange("GET", "/admin/v1/keys/{id}/quota", "/admin/v1/keys/NoSuchKey000/quota", { status: 404 });
    await exchange("GET", "/v1/me", "/v1/me", { headers: {}, status: 401 });
    const rotated = (await exchange(
      "POST",
      "/admin/v1/keys/{id}/rotate",
      `/admin/v1/keys/${created.id}/rotate`,
      {
        body: { grace_seconds: 0 },
        status: 200,
      },
    )) as { key: string };
    expect(rotated.key).not.toBe(created.key);
    await exchange("POST", "/admin/v1/keys/{id}/revoke", `/admin/v1/keys/${created.id}/revoke`, {
      status: 200,
    });
    await exchange("DELETE", "/admin/v1/keys/{id}", `/admin/v1/keys/${created.id}`, { status: 200 });
    await exchange("DELETE", "/admin/v1/groups/{id}", "/admin/v1/groups/team", { status: 200 });
    await exchange("DELETE", "/admin/v1/orgs/{id}", "/admin/v1/orgs/acme", { status: 200 });
    await exchange("GET", "/admin/v1/audit", "/admin/v1/audit?limit=50", { status: 200 });
    // Errors, in the admin API's format and documented for the operation.
    await exchange("POST", "/admin/v1/keys", "/admin/v1/keys", {
      body: { routes: ["nowhere"] },
      status: 400,
    });
    await exchange("GET", "/admin/v1/keys", "/admin/v1/keys", { headers: {}, status: 401 });
    await exchange("GET", "/admin/v1/keys/{id}", "/admin/v1/keys/NoSuchKey000", { status: 404 });
    await exchange("POST", "/admin/v1/orgs", "/admin/v1/orgs", { body: { id: "acme2" }, status: 201 });
    await exchange("POST", "/admin/v1/orgs", "/admin/v1/orgs", { body: { id: "acme2" }, status: 409 });
  });
});
