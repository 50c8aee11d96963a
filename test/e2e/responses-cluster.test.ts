import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConfigDirectory, mockRoutesYaml } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * In a cluster the response store is held once, by the primary, so a response stored through one worker is
 * found through every other: each request here goes on a new connection, which the cluster hands to the workers
 * in turn, and every one of them must find every stored response.
 */

let gateway: GatewayProcess;

beforeAll(async () => {
  const directory = createConfigDirectory();
  const configPath = join(directory, "switchyard.yaml");
  writeFileSync(configPath, mockRoutesYaml([{ name: "chat" }]));
  gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "3"]);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});

/** One request on a connection of its own, so that successive requests reach different workers. */
async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { "content-type": "application/json", connection: "close" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("stored responses in a cluster", () => {
  it("are found through every worker, and continue from any of them", async () => {
    const ids: string[] = [];
    for (let turn = 0; turn < 6; turn++) {
      const created = await call("POST", "/v1/responses", { model: "chat", input: `Turn ${turn}` });
      expect(created.status).toBe(200);
      ids.push(String(created.json.id));
    }
    for (const id of ids) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const retrieved = await call("GET", `/v1/responses/${id}`);
        expect(retrieved.status).toBe(200);
        expect(retrieved.json.id).toBe(id);
      }
    }
    const continued = await call("POST", "/v1/responses", {
      model: "chat",
      input: "Last turn",
      previous_response_id: ids.at(-1),
    });
    expect(continued.status).toBe(200);
    expect(continued.json.previous_response_id).toBe(ids.at(-1));
  });
});
