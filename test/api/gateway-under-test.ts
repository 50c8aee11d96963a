import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parseConfig } from "../../src/config/parse-config.js";
import { createLogger } from "../../src/observability/logger.js";
import { GatewayInstance } from "../../src/server/gateway-instance.js";

export interface GatewayUnderTest {
  url: string;
  instance: GatewayInstance;
  /** Every log line the gateway wrote. */
  logs(): string;
  /** The usage records its `stdout` usage sink wrote so far (flushed first). */
  usageRecords(): Promise<Record<string, unknown>[]>;
  /** POSTs JSON and returns status, headers and parsed body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  get(path: string): Promise<JsonResponse>;
  close(): Promise<void>;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/**
 * A real gateway on loopback, built from YAML text through the same config parser as the CLI, with its log
 * captured so tests can check what it writes.
 */
export async function startGateway(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<GatewayUnderTest> {
  // A folder of its own: the governance store file (budget spend) lives beside the config file.
  const directory = mkdtempSync(join(tmpdir(), "switchyard-gateway-"));
  const parsed = parseConfig(yaml, join(directory, "test-config.yaml"), env);
  if (!parsed.ok) throw new Error(`invalid test config: ${JSON.stringify(parsed.issues)}`);
  // The gateway shares this process's event loop with the test's clients and mocks, so the loop's load is not
  // the gateway's: load shedding is off unless the test configures it (test/api/overload.test.ts).
  if (!/^\s+overload:/m.test(yaml)) {
    const { server } = parsed.config;
    parsed.config.server = { ...server, overload: { ...server.overload, enabled: false } };
  }
  let logText = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  let usageText = "";
  const usageOutput = {
    writeLine(line: string): boolean {
      usageText += `${line}\n`;
      return true;
    },
  };
  const instance = await GatewayInstance.create({
    config: parsed.config,
    logger: createLogger("info", sink),
    usageOutput,
  });
  const url = await instance.listen("127.0.0.1", 0);
  const send = async (path: string, init: RequestInit): Promise<JsonResponse> => {
    const response = await fetch(`${url}${path}`, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  return {
    url,
    instance,
    logs: () => logText,
    usageRecords: async () => {
      await instance.app.usageLog?.flush();
      return usageText
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    post: (path, body, headers = {}) =>
      send(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    get: (path) => send(path, { method: "GET" }),
    close: async () => {
      await instance.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** YAML for one route. `config` is written as a flow mapping so values stay exactly as given. */
export function routeYaml(
  name: string,
  type: string,
  provider: string,
  model: string,
  config: Record<string, unknown> = {},
): string {
  return `  - name: ${name}
    type: ${type}
    model:
      provider: ${provider}
      name: ${model}
      config: ${JSON.stringify(config)}
`;
}
