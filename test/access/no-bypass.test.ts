import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { useAccessControl } from "../../src/api/access-hooks.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { AccessControl } from "../../src/governance/access/access-control.js";
import { GovernedCall } from "../../src/governance/governed-call.js";
import { declaredRecords } from "../../src/governance/objects/declared-records.js";
import { RouteTable } from "../../src/routing/route-table.js";
import { RouteTableHolder } from "../../src/routing/route-table-holder.js";
import { UpstreamPools } from "../../src/routing/upstream-pools.js";
import {
  type AccessGateway,
  bearer,
  CHAT,
  ENV,
  governanceYaml,
  removeDirectory,
  routesYaml,
  startAccessGateway,
} from "./access-gateway.js";

function configOf(yaml: string) {
  const parsed = parseConfig(yaml, "/virtual/switchyard.yaml", ENV);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

describe("no ingress can bypass access control", () => {
  it("puts a key check in front of a route added later by any API, unless it declares another surface", async () => {
    const config = configOf(routesYaml() + governanceYaml("/virtual"));
    const access = new AccessControl(undefined, config.governance, declaredRecords(config.governance, "now"));
    const app = Fastify();
    useAccessControl(app, () => access);
    // An API landing after this issue, written without any knowledge of access control.
    await app.register(
      async (scope) => {
        scope.post("/messages", async () => ({ served: true }));
        scope.get("/listing", async () => ({ served: true }));
      },
      { prefix: "/v1" },
    );
    app.get("/health", { config: { surface: "health" } }, async () => ({ status: "OK" }));
    await app.ready();
    const refused = await app.inject({ method: "POST", url: "/v1/messages", payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["www-authenticate"]).toBe('Bearer realm="switchyard"');
    expect((await app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    // Fastify's automatic HEAD routes get the same check as their GET.
    expect((await app.inject({ method: "HEAD", url: "/v1/listing" })).statusCode).toBe(401);
    await app.close();
  });

  it("refuses in routing too: the route table will not serve a call without a key, or outside the key's scope", async () => {
    const config = configOf(routesYaml() + governanceYaml("/virtual"));
    const pools = new UpstreamPools();
    const table = await RouteTable.build(config, pools);
    const holder = new RouteTableHolder(table);
    const route = table.get("chat");
    if (route === undefined) throw new Error("no route");
    const work = async () => "served";
    const call = () =>
      new GovernedCall({
        api: "openai",
        principal: undefined,
        streaming: false,
        bodyBytes: () => 0,
        requestedModel: () => undefined,
        maxOutputTokens: () => undefined,
      });
    await expect(holder.serve(table, route, null, work, call())).rejects.toMatchObject({
      code: "missing_api_key",
      status: 401,
    });
    const principal = {
      keyId: "AbCdEf123456",
      alias: undefined,
      group: undefined,
      org: undefined,
      scopes: [],
    };
    await expect(
      holder.serve(table, route, { ...principal, routes: ["chat-b"], models: null }, work, call()),
    ).rejects.toMatchObject({
      code: "key_not_allowed",
      status: 403,
    });
    await expect(
      holder.serve(table, route, { ...principal, routes: null, models: ["mock-*"] }, work, call()),
    ).resolves.toBe("served");
    table.retire();
    await pools.closeAll();
  });
});

describe("a reload turns keys on and off", () => {
  let gateway: AccessGateway;
  beforeAll(async () => {
    gateway = await startAccessGateway(
      (directory) => routesYaml() + governanceYaml(directory, "", "required: false"),
    );
  });
  afterAll(async () => {
    await gateway.close();
    removeDirectory(gateway.directory);
  });

  it("requires keys on inference and closes /metrics from the next request on", async () => {
    const { key } = await gateway.createKey();
    expect((await gateway.request("POST", "/v1/chat/completions", { body: CHAT })).status).toBe(200);
    expect((await gateway.request("GET", "/metrics")).status).toBe(200);
    await gateway.instance.applyConfig(configOf(routesYaml() + governanceYaml(gateway.directory)));
    expect((await gateway.request("POST", "/v1/chat/completions", { body: CHAT })).status).toBe(401);
    expect((await gateway.request("GET", "/metrics")).status).toBe(401);
    expect(
      (await gateway.request("POST", "/v1/chat/completions", { body: CHAT, headers: bearer(key) })).status,
    ).toBe(200);
  });
});
