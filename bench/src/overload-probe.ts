import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { REPO_DIR } from "./bench-stack.js";
import { childPids } from "./proc-stats.js";
import { startServer } from "./server-process.js";
import { percentile } from "./stats.js";

/**
 * The gateway under overload (`npm run bench:overload`): one worker in front of a 20 ms upstream, offered
 * open-loop load at several times its capacity, then a rate it can serve. It prints, for each step, how many
 * requests were answered 200, refused 503 (shed), failed otherwise or never answered, their latency, whether the
 * worker was replaced (its pid changed), and how many error-level lines the gateway logged. Ports are free ones,
 * never the main bench's.
 */

interface Step {
  rate: number;
  durationS: number;
}

const STEPS: Step[] = [
  { rate: Number(process.env.OVERLOAD_RATE ?? 5000), durationS: 5 },
  { rate: 1500, durationS: 5 },
  { rate: 500, durationS: 5 },
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface StepResult {
  rate: number;
  ok: number;
  shed: number;
  otherStatus: Record<number, number>;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

async function runStep(origin: string, step: Step): Promise<StepResult> {
  // Clients that give up after 2 s, as an impatient fleet does: the server sees them disconnect.
  const pool = new Pool(origin, { headersTimeout: 2000, bodyTimeout: 2000, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({
    model: "overload",
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 16,
  });
  const result: StepResult = {
    rate: step.rate,
    ok: 0,
    shed: 0,
    otherStatus: {},
    failed: 0,
    p50Ms: 0,
    p99Ms: 0,
  };
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - start, step.durationS * 1000);
      const due = Math.floor((elapsed / 1000) * step.rate);
      for (; sent < due; sent++) {
        const scheduledAt = start + (sent / step.rate) * 1000;
        const call: Promise<void> = pool
          .request({
            method: "POST",
            path: "/v1/chat/completions",
            headers: { "content-type": "application/json" },
            body,
          })
          .then(async (response) => {
            await response.body.dump();
            if (response.statusCode === 200) {
              result.ok++;
              latencies.push(performance.now() - scheduledAt);
            } else if (response.statusCode === 503) result.shed++;
            else result.otherStatus[response.statusCode] = (result.otherStatus[response.statusCode] ?? 0) + 1;
          })
          .catch(() => {
            result.failed++;
          })
          .finally(() => pending.delete(call));
        pending.add(call);
      }
      if (elapsed >= step.durationS * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await Promise.all(pending);
  await pool.destroy();
  result.p50Ms = Math.round(percentile(latencies, 0.5));
  result.p99Ms = Math.round(percentile(latencies, 0.99));
  return result;
}

const mockPort = await freePort();
const gatewayPort = await freePort();
const dir = mkdtempSync(join(tmpdir(), "switchyard-overload-"));
const configPath = join(dir, "switchyard.yaml");
writeFileSync(
  configPath,
  `routes:
  - name: overload
    type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4o-mini
      config:
        openai_api_key: bench-key
        openai_api_base: http://127.0.0.1:${mockPort}/delay-20/v1
server:
  access_log: false
${process.env.OVERLOAD_SERVER_YAML ?? ""}
`,
);
const mock = await startServer(
  {
    name: "mock",
    command: process.execPath,
    args: [join(REPO_DIR, "bench", "dist", "mock-upstream.js"), String(mockPort)],
    cores: undefined,
    ready: /listening on/,
  },
  dir,
);
const gateway = await startServer(
  {
    name: "switchyard",
    command: process.execPath,
    args: [
      join(REPO_DIR, "bin", "switchyard.js"),
      "start",
      "--config-path",
      configPath,
      "--port",
      String(gatewayPort),
      "--workers",
      "1",
      "--no-watch",
    ],
    cores: undefined,
    ready: /Switchyard \S+ listening on/,
    clustered: true,
  },
  dir,
);
try {
  const origin = `http://127.0.0.1:${gatewayPort}`;
  const pidsBefore = childPids(gateway.pid).join(",");
  for (const step of STEPS) {
    const result = await runStep(origin, step);
    const pids = childPids(gateway.pid).join(",");
    console.log(JSON.stringify({ ...result, workerPids: pids }));
  }
  const log = readFileSync(gateway.logFile, "utf8");
  const errorLines = log.split("\n").filter((line) => line.includes('"level":50')).length;
  console.log(
    JSON.stringify({ workerPidsBefore: pidsBefore, errorLogLines: errorLines, logFile: gateway.logFile }),
  );
} finally {
  await gateway.stop();
  await mock.stop();
}
// The child processes' pipes would keep the event loop alive.
spawn("true").unref();
process.exit(0);
