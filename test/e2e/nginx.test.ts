import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, routeYaml, startGateway } from "../api/gateway-under-test.js";
import { type MockUpstream, openAIChatStreamFrames, startOpenAIMock } from "../mock-upstream/index.js";
import { canListen, debianTool, freePort } from "./debian-tool.js";

/**
 * The documented nginx config (deploy/nginx/switchyard.conf), run by Debian's real nginx in front of the
 * gateway: basic auth, HTTPS, streams that arrive event by event, a stream whose upstream stays silent longer
 * than nginx's read timeout, and the client's address passed on through X-Forwarded-For.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const NGINX = debianTool("nginx", ["/usr/sbin/nginx"], "nginx");
const OPENSSL = NGINX === undefined ? undefined : debianTool("openssl", ["/usr/bin/openssl"], "openssl");
const READ_TIMEOUT_SECONDS = 2;

const streamBody = { model: "chat", stream: true, messages: [{ role: "user", content: "Hello there" }] };
let prefix: string;
let nginx: ChildProcess;
let nginxUrl: string;
let agent: Agent;
let upstream: MockUpstream;
let gateway: GatewayUnderTest;
let silentGateway: GatewayUnderTest;
const AUTH = `Basic ${Buffer.from("alice:wonderland").toString("base64")}`;

/** The documented config with this test's ports and files, and a read timeout short enough to test. */
function testConfig(gatewayPort: number, silentPort: number, nginxPort: number): string {
  const documented = readFileSync(join(ROOT, "deploy/nginx/switchyard.conf"), "utf8");
  const replaced = documented
    .replace("listen 443 ssl http2;", `listen 127.0.0.1:${nginxPort} ssl http2;`)
    .replace("server 127.0.0.1:5000;", `server 127.0.0.1:${gatewayPort};`)
    .replaceAll("/etc/nginx/tls/gateway.crt", join(prefix, "gateway.crt"))
    .replaceAll("/etc/nginx/tls/gateway.key", join(prefix, "gateway.key"))
    .replaceAll("/etc/nginx/switchyard.htpasswd", join(prefix, "htpasswd"))
    .replace("proxy_read_timeout 300s;", `proxy_read_timeout ${READ_TIMEOUT_SECONDS}s;`);
  const directives = replaced.replace(/#.*$/gm, "");
  for (const original of ["listen 443", "127.0.0.1:5000", "/etc/nginx/", "proxy_read_timeout 300s"]) {
    if (directives.includes(original))
      throw new Error(`the documented config changed: '${original}' is still there`);
  }
  // A second upstream block and path for the gateway without heartbeats (the control case).
  return `${replaced}
upstream switchyard_silent { server 127.0.0.1:${silentPort}; }
server {
    listen 127.0.0.1:${nginxPort + 1};
    location / { proxy_pass http://switchyard_silent; proxy_read_timeout ${READ_TIMEOUT_SECONDS}s; }
}
`;
}

beforeAll(async () => {
  if (NGINX === undefined || OPENSSL === undefined) return;
  prefix = mkdtempSync(join(tmpdir(), "switchyard-nginx-"));
  for (const folder of ["logs", "temp"]) mkdirSync(join(prefix, folder));
  execFileSync(
    OPENSSL,
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      join(prefix, "gateway.key"),
      "-out",
      join(prefix, "gateway.crt"),
    ],
    { stdio: "ignore" },
  );
  // nginx reads {SHA} entries (base64 of SHA-1), as `htpasswd -s` writes them.
  const digest = createHash("sha1").update("wonderland").digest("base64");
  writeFileSync(join(prefix, "htpasswd"), `alice:{SHA}${digest}\n`);

  upstream = await startOpenAIMock();
  const route = routeYaml("chat", "llm/v1/chat", "openai", "gpt-4o-mini", {
    openai_api_key: "sk-nginx-test-0123456789",
    openai_api_base: `${upstream.url}/v1`,
  });
  gateway = await startGateway(
    `server:\n  sse_heartbeat_seconds: 0.2\n  trusted_proxies: [127.0.0.1]\nroutes:\n${route}`,
  );
  silentGateway = await startGateway(`server:\n  sse_heartbeat_seconds: 0\nroutes:\n${route}`);
  // A first request pays for connections and code loading (seconds on a busy machine): not nginx's timeout.
  for (const warm of [gateway, silentGateway]) {
    await (
      await fetch(`${warm.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(streamBody),
      })
    ).text();
  }
  // Connect from another loopback address than nginx's own, so the client's address is recognisable.
  agent = new Agent({
    connect: { ca: readFileSync(join(prefix, "gateway.crt")) },
  });
  // nginx takes two ports (TLS, and the control server's: the next one), and can only be given them: another
  // test may take one between the probe and nginx's bind, so a start that finds a port taken tries new ones.
  for (let attempt = 1; ; attempt++) {
    const nginxPort = await freePortPair();
    const output = await startNginx(nginxPort);
    if (output === undefined) break;
    if (!output.includes("Address already in use") || attempt === 5)
      throw new Error(`nginx did not start: ${output}`);
  }
});

/** Two consecutive loopback ports that were both free a moment ago. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65000 && (await canListen(port + 1))) return port;
  }
}

/** Starts nginx on `nginxPort` (and the next port); undefined once it answers, else what it printed as it died. */
async function startNginx(nginxPort: number): Promise<string | undefined> {
  writeFileSync(
    join(prefix, "nginx.conf"),
    `daemon off;
master_process off;
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "logs/error.log")} warn;
events { worker_connections 256; }
http {
    access_log ${join(prefix, "logs/access.log")};
    client_body_temp_path ${join(prefix, "temp")};
    proxy_temp_path ${join(prefix, "temp")};
    fastcgi_temp_path ${join(prefix, "temp")};
    uwsgi_temp_path ${join(prefix, "temp")};
    scgi_temp_path ${join(prefix, "temp")};
${testConfig(new URL(gateway.url).port as unknown as number, new URL(silentGateway.url).port as unknown as number, nginxPort)}
}
`,
  );
  nginx = spawn(NGINX as string, ["-p", prefix, "-c", join(prefix, "nginx.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  nginx.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Its last words are read once its output has closed, which may come after it exited.
  const closed = new Promise((resolve) => nginx.once("close", resolve));
  nginxUrl = `https://localhost:${nginxPort}`;
  for (let tries = 0; ; tries++) {
    try {
      await undiciFetch(`${nginxUrl}/health`, { dispatcher: agent });
      return undefined;
    } catch (error) {
      if (nginx.exitCode !== null) {
        await closed;
        return output;
      }
      if (tries > 200) throw new Error(`nginx did not start: ${output}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

afterAll(async () => {
  if (nginx !== undefined && nginx.exitCode === null) {
    nginx.kill("SIGTERM");
    await new Promise((resolve) => nginx.once("exit", resolve));
  }
  await agent?.close();
  await gateway?.close();
  await silentGateway?.close();
  await upstream?.close();
  if (prefix !== undefined) rmSync(prefix, { recursive: true, force: true });
});

function post(path: string, body: unknown, headers: Record<string, string> = {}, base = nginxUrl) {
  return undiciFetch(`${base}${path}`, {
    method: "POST",
    dispatcher: agent,
    headers: { "content-type": "application/json", authorization: AUTH, ...headers },
    body: JSON.stringify(body),
  });
}

describe.skipIf(NGINX === undefined || OPENSSL === undefined)(
  "behind nginx with the documented config",
  () => {
    it("asks for credentials, and lets health probes through without them", async () => {
      const anonymous = await undiciFetch(`${nginxUrl}/v1/models`, { dispatcher: agent });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="Switchyard"');
      const wrong = await undiciFetch(`${nginxUrl}/v1/models`, {
        dispatcher: agent,
        headers: { authorization: `Basic ${Buffer.from("alice:guess").toString("base64")}` },
      });
      expect(wrong.status).toBe(401);
      const allowed = await undiciFetch(`${nginxUrl}/v1/models`, {
        dispatcher: agent,
        headers: { authorization: AUTH },
      });
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as { data: { id: string }[] }).data.map((model) => model.id)).toEqual([
        "chat",
      ]);
      expect((await undiciFetch(`${nginxUrl}/health`, { dispatcher: agent })).status).toBe(200);
      expect((await undiciFetch(`${nginxUrl}/ready`, { dispatcher: agent })).status).toBe(200);
    });

    it("passes a stream on event by event, not in one burst at the end", async () => {
      let release: () => void = () => {};
      const until = new Promise<void>((resolve) => {
        release = resolve;
      });
      upstream.enqueue({
        kind: "stream",
        frames: openAIChatStreamFrames({ text: "first second" }),
        hold: { afterFrames: 2, until },
      });
      const response = await post("/v1/chat/completions", streamBody);
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      // The upstream has sent two frames and waits: they must reach the client through nginx now.
      let text = "";
      while (!text.includes('"content":"first"')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended early: ${text}`);
        text += Buffer.from(value).toString();
      }
      expect(text).not.toContain("[DONE]");
      release();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      expect(text).toContain("second");
      expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    });

    it("keeps a stream alive while its upstream is silent for longer than nginx's read timeout", async () => {
      const until = new Promise((resolve) => setTimeout(resolve, READ_TIMEOUT_SECONDS * 2500));
      upstream.enqueue({
        kind: "stream",
        // Silent after its first token: before it, the gateway holds the response (the commit point).
        frames: openAIChatStreamFrames({ text: "patience" }),
        hold: { afterFrames: 2, until },
      });
      const text = await (await post("/v1/chat/completions", streamBody)).text();
      expect(text).toContain(": keep-alive");
      expect(text).toContain("patience");
      expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    });

    it("without heartbeats, nginx cuts that silent stream (why the gateway sends them)", async () => {
      const until = new Promise((resolve) => setTimeout(resolve, READ_TIMEOUT_SECONDS * 2500));
      upstream.enqueue({
        kind: "stream",
        // Silent after its first token: before it, the gateway holds the response (the commit point).
        frames: openAIChatStreamFrames({ text: "patience" }),
        hold: { afterFrames: 2, until },
      });
      const silentUrl = nginxUrl.replace(
        /^https:\/\/localhost:(\d+)$/,
        (_match, port: string) => `http://localhost:${Number(port) + 1}`,
      );
      const response = await post("/v1/chat/completions", streamBody, {}, silentUrl);
      expect(response.status).toBe(200);
      // nginx gives up on the silent upstream and closes the connection mid-stream.
      await expect(response.text()).rejects.toThrow("terminated");
    });

    it("logs the client's address from X-Forwarded-For and keeps nginx's request id", async () => {
      // Sent from another loopback address than nginx's own, so that the client's address is recognisable.
      const { status, id } = await new Promise<{ status: number; id: string }>((resolve, reject) => {
        const request = httpsRequest(
          `${nginxUrl}/gateway/chat/invocations`,
          {
            method: "POST",
            localAddress: "127.0.0.5",
            ca: readFileSync(join(prefix, "gateway.crt")),
            headers: {
              "content-type": "application/json",
              authorization: AUTH,
              "x-forwarded-for": "203.0.113.9",
            },
          },
          (response) => {
            response.resume();
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, id: String(response.headers["x-request-id"]) }),
            );
          },
        );
        request.on("error", reject);
        request.end(JSON.stringify({ messages: [{ role: "user", content: "who am I" }] }));
      });
      expect(status).toBe(200);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      let line: Record<string, unknown> | undefined;
      for (let tries = 0; tries < 200 && line === undefined; tries++) {
        line = gateway
          .logs()
          .split("\n")
          .filter((entry) => entry.includes(`"request_id":"${id}"`) && entry.includes('"msg":"request"'))
          .map((entry) => JSON.parse(entry) as Record<string, unknown>)[0];
        if (line === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // nginx states the address it saw; what the client claimed is not believed.
      expect(line?.client_ip).toBe("127.0.0.5");
    });
  },
);
