import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parseConfig } from "../../src/config/parse-config.js";
import { createLogger } from "../../src/observability/logger.js";
import { GatewayInstance } from "../../src/server/gateway-instance.js";

/** Secrets of the access-control tests: every test scans what the gateway sends and logs for them. */
export const PEPPER = "test-pepper-0123456789-abcdef";
export const MASTER_KEY = "sy-master-test-0123456789-abcdefghij";
export const ENV = { SWITCHYARD_KEY_PEPPER: PEPPER, SWITCHYARD_MASTER_KEY: MASTER_KEY };

/** Routes on the in-process mock provider: a chat route for each name, a completions and an embeddings route. */
export function routesYaml(chatRoutes: readonly string[] = ["chat", "chat-b"]): string {
  const chat = chatRoutes.map(
    (name) => `  - name: ${name}\n    type: llm/v1/chat\n    model: { provider: mock, name: mock-echo }\n`,
  );
  return `routes:\n${chat.join("")}  - name: complete\n    type: llm/v1/completions\n    model: { provider: mock, name: mock-echo }\n  - name: embed\n    type: llm/v1/embeddings\n    model: { provider: mock, name: mock-embed }\n`;
}

/** A `governance:` block with keys required, master keys, and the store file in `directory`. */
export function governanceYaml(directory: string, extra = "", auth = "required: true"): string {
  return `governance:
  store:
    path: ${join(directory, "governance.db")}
  auth:
    ${auth}
    pepper: $SWITCHYARD_KEY_PEPPER
  admin:
    master_keys: [{ name: ops, key: $SWITCHYARD_MASTER_KEY }]
${extra}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface AccessGateway {
  url: string;
  directory: string;
  instance: GatewayInstance;
  logs(): string;
  /** Every byte the gateway sent back in these tests (bodies and headers), for secret scans. */
  sent(): string;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** An admin call with the master key. */
  admin(method: string, path: string, body?: unknown): Promise<Answer>;
  /** Creates a key through the admin API and returns its id and secret. */
  createKey(
    body?: Record<string, unknown>,
  ): Promise<{ id: string; key: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A real gateway on loopback with access control, its log captured, its store in a temporary folder. */
export async function startAccessGateway(
  yaml: (directory: string) => string,
  env: NodeJS.ProcessEnv = ENV,
  directory = mkdtempSync(join(tmpdir(), "switchyard-access-")),
): Promise<AccessGateway> {
  const parsed = parseConfig(yaml(directory), join(directory, "switchyard.yaml"), env);
  if (!parsed.ok) throw new Error(`invalid test config: ${JSON.stringify(parsed.issues)}`);
  let logText = "";
  let sentText = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  const instance = await GatewayInstance.create({
    config: parsed.config,
    logger: createLogger("info", sink),
  });
  const url = await instance.listen("127.0.0.1", 0);
  const request: AccessGateway["request"] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    sentText += `${text}\n${[...response.headers.entries()].map(([name, value]) => `${name}: ${value}`).join("\n")}\n`;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  const admin: AccessGateway["admin"] = (method, path, body) =>
    request(method, `/admin/v1${path}`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      ...(body === undefined ? {} : { body }),
    });
  return {
    url,
    directory,
    instance,
    logs: () => logText,
    sent: () => sentText,
    request,
    admin,
    createKey: async (body = {}) => {
      const answer = await admin("POST", "/keys", body);
      if (answer.status !== 201) throw new Error(`could not create a key: ${answer.status} ${answer.text}`);
      const created = answer.body as { id: string; key: string };
      return { id: created.id, key: created.key, body: answer.body as Record<string, unknown> };
    },
    close: async () => {
      await instance.close();
    },
  };
}

export function removeDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
}

export const CHAT = { model: "chat", messages: [{ role: "user", content: "hello" }] };
export const MLFLOW_CHAT = { messages: [{ role: "user", content: "hello" }] };
export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
