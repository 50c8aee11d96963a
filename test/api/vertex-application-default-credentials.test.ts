import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import {
  type GeminiMock,
  type GoogleMetadataMock,
  startGeminiMock,
  startGoogleMetadataMock,
} from "../mock-upstream/index.js";
import { type GatewayUnderTest, startGateway } from "./gateway-under-test.js";

/**
 * Vertex AI without vertex_credentials: Application Default Credentials through google-auth-library. On a
 * Google Cloud machine that is the metadata server (here a loopback mock reached through GCE_METADATA_HOST, the
 * variable Google's libraries honour); a GOOGLE_APPLICATION_CREDENTIALS that names no file is a 502 that says
 * where the gateway looked. This file runs in its own worker, so the environment it sets is its own.
 */

const saved = { ...process.env };
let metadata: GoogleMetadataMock;
let vertex: GeminiMock;
let gateway: GatewayUnderTest;
let emptyGcloudConfig: string;

const route = (name: string, config: Record<string, unknown>) =>
  `  - name: ${name}\n    type: llm/v1/chat\n    model: { provider: vertex_ai, name: gemini-2.5-flash, config: ${JSON.stringify(config)} }\n    retries: { max_attempts: 1 }\n`;

beforeAll(async () => {
  metadata = await startGoogleMetadataMock();
  vertex = await startGeminiMock(() => metadata.issuedTokens);
  // No key file and no gcloud login here: the metadata server is what is left.
  emptyGcloudConfig = await mkdtemp(join(tmpdir(), "switchyard-gcloud-"));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.CLOUDSDK_CONFIG = emptyGcloudConfig;
  process.env.GCE_METADATA_HOST = new URL(metadata.url).host;
  gateway = await startGateway(
    `routes:\n${route("adc", { vertex_project: "adc-project", vertex_api_base: vertex.url })}`,
  );
});
afterAll(async () => {
  process.env = saved;
  await gateway?.close();
  await vertex?.close();
  await metadata?.close();
  await rm(emptyGcloudConfig, { recursive: true, force: true });
});

const chat = { messages: [{ role: "user", content: "Hello" }] };

describe("Vertex AI with Application Default Credentials", () => {
  it("requires vertex_project when no vertex_credentials are given, at its line", () => {
    const parsed = parseConfig(
      `routes:\n${route("adc", { vertex_location: "europe-west4" })}`,
      "/virtual/adc.yaml",
      {},
    );
    expect(parsed.ok ? [] : parsed.issues).toEqual([
      expect.objectContaining({
        field: "model.config.vertex_project",
        line: 4,
        message: expect.stringContaining("is required when vertex_credentials is not given"),
      }),
    ]);
  });

  it("calls Vertex AI with the token the metadata server issues, and reuses it", async () => {
    for (let index = 0; index < 2; index++) {
      const response = await gateway.post("/gateway/adc/invocations", chat);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ candidates: [{ message: { content: "Echo: Hello" } }] });
    }
    expect(metadata.issuedTokens).toHaveLength(1);
    expect(vertex.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${metadata.issuedTokens[0]}`,
      `Bearer ${metadata.issuedTokens[0]}`,
    ]);
    expect(vertex.requests[0]?.path).toBe(
      "/v1/projects/adc-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    const tokenRequest = metadata.requests.find((request) => request.path.endsWith("/default/token"));
    expect(tokenRequest?.query.scopes).toBe("https://www.googleapis.com/auth/cloud-platform");
    expect(metadata.specViolations).toEqual([]);
    expect(vertex.specViolations).toEqual([]);
  });

  it("redacts the metadata server's token when an upstream echoes it", async () => {
    const token = metadata.issuedTokens[0] ?? "missing";
    vertex.enqueue({
      kind: "json",
      status: 400,
      body: { error: { code: 400, message: `bad token ${token}`, status: "INVALID_ARGUMENT" } },
    });
    const response = await gateway.post("/gateway/adc/invocations", chat);
    expect(response.status).toBe(400);
    expect(response.text).toContain("bad token [REDACTED]");
    expect(gateway.logs()).not.toContain(token);
  });

  it("answers 502 saying where it looked when GOOGLE_APPLICATION_CREDENTIALS names no file", async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = join(emptyGcloudConfig, "missing-key.json");
    const other = await startGateway(
      `routes:\n${route("adc", { vertex_project: "adc-project", vertex_api_base: vertex.url })}`,
    );
    try {
      const response = await other.post("/gateway/adc/invocations", chat);
      expect(response.status).toBe(502);
      expect(response.body).toEqual({
        detail: expect.stringMatching(
          /^Vertex AI: could not get an access token from Application Default Credentials \(.*missing-key\.json.*\)\. Check the key file GOOGLE_APPLICATION_CREDENTIALS names/,
        ),
        request_id: expect.any(String),
      });
    } finally {
      delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      await other.close();
    }
  });
});
