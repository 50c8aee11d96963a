import { afterEach, describe, expect, it } from "vitest";
import {
  type AccessGateway,
  bearer,
  governanceYaml,
  MASTER_KEY,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "./access-gateway.js";

let gateway: AccessGateway | undefined;
afterEach(async () => {
  if (gateway === undefined) return;
  await gateway.close();
  removeDirectory(gateway.directory);
  gateway = undefined;
});

async function start(auth: string): Promise<AccessGateway> {
  gateway = await startAccessGateway((directory) => routesYaml() + governanceYaml(directory, "", auth));
  return gateway;
}

const SURFACES = ["/metrics", "/docs", "/docs/static/index.html", "/openapi.json", "/docs/json"];

describe("surfaces besides inference", () => {
  it("closes metrics, docs and the OpenAPI document by default once keys are required; /health stays open", async () => {
    const gw = await start("required: true");
    const { key } = await gw.createKey();
    for (const path of SURFACES) {
      const refused = await gw.request("GET", path);
      expect(refused.status, path).toBe(401);
      expect(refused.text).toMatch(/Missing gateway key/);
      expect((await gw.request("GET", path, { headers: bearer(key) })).status, path).toBe(200);
      expect((await gw.request("GET", path, { headers: bearer(MASTER_KEY) })).status, path).toBe(200);
      expect((await gw.request("GET", path, { headers: bearer(`${key.slice(0, -2)}zz`) })).status, path).toBe(
        401,
      );
    }
    expect((await gw.request("GET", "/health")).status).toBe(200);
    await gw.request("POST", "/v1/chat/completions", { body: { model: "chat", messages: [] } });
    const metrics = await gw.request("GET", "/metrics", { headers: bearer(MASTER_KEY) });
    expect(metrics.text).toContain(
      'switchyard_access_refusals_total{surface="inference",code="missing_api_key"} 1',
    );
    expect(metrics.text).toContain(
      'switchyard_access_refusals_total{surface="metrics",code="missing_api_key"} 1',
    );
    expect(metrics.text).toMatch(
      /switchyard_access_refusals_total\{surface="docs",code="invalid_api_key"\} \d/,
    );
  });

  it("serves each surface as configured: open, with a key, or not at all", async () => {
    const gw = await start(
      "required: true\n    surfaces: { metrics: open, docs: off, openapi: key, admin: off }",
    );
    expect((await gw.request("GET", "/metrics")).status).toBe(200);
    expect((await gw.request("GET", "/docs")).status).toBe(404);
    expect((await gw.request("GET", "/docs", { headers: bearer(MASTER_KEY) })).status).toBe(404);
    expect((await gw.request("GET", "/openapi.json")).status).toBe(401);
    const admin = await gw.request("GET", "/admin/v1/keys", { headers: bearer(MASTER_KEY) });
    expect(admin.status).toBe(404);
    const document = await gw.request("GET", "/openapi.json", { headers: bearer(MASTER_KEY) });
    expect(document.text).not.toContain("/admin/v1/keys");
  });

  it("keeps surfaces open on an open gateway, as before", async () => {
    const gw = await start("required: false");
    for (const path of SURFACES) expect((await gw.request("GET", path)).status, path).toBe(200);
  });

  it("documents the admin API under its own tag, with the master key as its security", async () => {
    const gw = await start("required: true\n    surfaces: { openapi: open }");
    const document = (await gw.request("GET", "/openapi.json")).body as {
      paths: Record<string, Record<string, { tags: string[]; security: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const paths = Object.keys(document.paths).filter((path) => path.startsWith("/admin/v1"));
    expect(paths).toEqual(
      expect.arrayContaining([
        "/admin/v1/keys",
        "/admin/v1/keys/{id}",
        "/admin/v1/keys/{id}/rotate",
        "/admin/v1/keys/{id}/revoke",
        "/admin/v1/groups",
        "/admin/v1/groups/{id}",
        "/admin/v1/orgs",
        "/admin/v1/orgs/{id}",
        "/admin/v1/audit",
      ]),
    );
    expect(document.paths["/admin/v1/keys"]?.post?.tags).toEqual(["Admin API"]);
    expect(document.paths["/admin/v1/keys"]?.post?.security).toEqual([{ masterKey: [] }]);
    expect(document.paths["/v1/me"]?.get?.security).toEqual([{ gatewayKey: [] }]);
    expect(Object.keys(document.components.securitySchemes)).toEqual(["gatewayKey", "masterKey"]);
  });
});
