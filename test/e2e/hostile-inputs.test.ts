import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConfigDirectory, mockRoutesYaml } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * Requests that used to hold a worker's event loop for minutes or hours, on the real CLI with its default
 * limits: each is answered (or refused with a 4xx), and the worker that served them is never found
 * unresponsive by the primary's health probe.
 */

/** Just under the default server.max_body_bytes (10 MiB) once in JSON. */
const WORD = "a".repeat(9 * 1024 * 1024);

let gateway: GatewayProcess;

beforeAll(async () => {
  const configPath = join(createConfigDirectory(), "config.yaml");
  writeFileSync(
    configPath,
    mockRoutesYaml([
      { name: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
      { name: "embeddings", type: "llm/v1/embeddings" },
    ]),
  );
  gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "1"]);
});

afterAll(async () => {
  await gateway?.stop("SIGKILL");
});

/** A POST on a connection of its own (a reused keep-alive connection may close while megabytes are sent). */
function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const call = request(`${gateway.url}${path}`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json" },
    });
    call.on("error", reject);
    call.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    call.end(text);
  });
}

const ROUTE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

// Megabytes through loopback on a busy machine.
describe("hostile inputs on a real gateway process", { timeout: 120_000 }, () => {
  it("counts the tokens of a 9 MB word without spaces (the mock's BPE alone would take hours)", async () => {
    const answer = await post(`/gateway/${ROUTE}/invocations`, {
      messages: [{ role: "user", content: WORD }],
    });
    expect(answer.status).toBe(200);
    // o200k_base makes one token of every 8 'a's.
    expect(answer.json.metadata).toMatchObject({
      input_tokens: WORD.length / 8,
      output_tokens: WORD.length / 8,
      total_tokens: WORD.length / 4,
    });
  });

  it("cuts a 9 MB word at max_tokens", async () => {
    const answer = await post("/v1/chat/completions", {
      model: ROUTE,
      max_tokens: 5,
      messages: [{ role: "user", content: WORD }],
    });
    expect(answer.status).toBe(200);
    expect(answer.json.choices).toMatchObject([
      { message: { content: "a".repeat(40) }, finish_reason: "length" },
    ]);
  });

  it("embeds a 9 MB word", async () => {
    const answer = await post("/v1/embeddings", { model: "embeddings", input: WORD });
    expect(answer.status).toBe(200);
    expect(answer.json.usage).toEqual({ prompt_tokens: WORD.length / 8, total_tokens: WORD.length / 8 });
  });

  it("filters routes with a LIKE pattern of many wildcards", async () => {
    const filter = encodeURIComponent(`name LIKE '${"%a".repeat(40)}b'`);
    const response = await fetch(`${gateway.url}/api/2.0/gateway/routes?filter=${filter}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ routes: [] });
  });

  it("refuses a body nested a million levels deep with 400", async () => {
    const nested = `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`;
    const answer = await post(`/gateway/${ROUTE}/invocations`, `{"messages":${nested}}`);
    expect(answer.status).toBe(400);
    expect(answer.json.detail).toMatch(/setting server\.max_json_depth/);
  });

  it("kept its worker answering the health probe throughout", async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect(gateway.output()).toContain("Server listening");
    expect(gateway.output()).not.toContain("did not answer its health probe");
    expect(gateway.output()).not.toContain("exited unexpectedly");
  });
});
