import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { childPids } from "../../bench/src/proc-stats.js";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { createConfigDirectory } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

/**
 * A worker whose event loop stops (here: the process is stopped with SIGSTOP, which freezes it exactly as a
 * runaway synchronous loop would, without depending on any bug to do it) must not take the gateway with it:
 * the primary's health probe replaces it, and on SIGTERM the primary kills it once the shutdown timeout has
 * passed, since the worker's own deadline can never run. The route goes to a loopback OpenAI mock rather than
 * the mock provider, whose tokenizer takes a second of the worker's event loop to load.
 */

let upstream: MockUpstream;
let gateway: GatewayProcess | undefined;
const stopped: number[] = [];

beforeAll(async () => {
  upstream = await startOpenAIMock();
});

afterAll(async () => {
  await upstream?.close();
});

afterEach(async () => {
  for (const pid of stopped.splice(0)) signal(pid, "SIGKILL");
  await gateway?.stop("SIGKILL");
  gateway = undefined;
});

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing to signal.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function start(serverLines: string[], extraArgs: string[] = []): Promise<GatewayProcess> {
  const configPath = join(createConfigDirectory(), "config.yaml");
  const server =
    serverLines.length === 0 ? "" : `server:\n${serverLines.map((line) => `  ${line}\n`).join("")}`;
  const route = `routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-test-health, openai_api_base: "${upstream.url}/v1" } }
`;
  writeFileSync(configPath, `${route}${server}`);
  gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "1", ...extraArgs]);
  return gateway;
}

/** The one worker of a gateway started with --workers 1. */
function onlyWorker(process: GatewayProcess): number {
  const [worker, ...others] = childPids(process.child.pid as number);
  expect(others).toEqual([]);
  expect(worker).toBeDefined();
  return worker as number;
}

async function chat(url: string): Promise<Response> {
  return fetch(`${url}/gateway/chat/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "are you there?" }] }),
  });
}

// Each test starts (and restarts) worker processes: on a busy machine that takes a while.
describe("the primary watches its workers", { timeout: 60_000 }, () => {
  it("replaces a worker that stops answering its health probe", async () => {
    const process = await start(["worker_health_timeout_seconds: 2"]);
    const frozen = onlyWorker(process);
    expect((await chat(process.url)).status).toBe(200);

    signal(frozen, "SIGSTOP");
    stopped.push(frozen);
    await process.waitForOutput(
      /did not answer its health probe for 2 s \(setting server\.worker_health_timeout_seconds\); replacing it/,
    );
    // With --port 0 the replacement listens on a port of its own: the one it announces.
    const [, url] = (await process.waitForOutput(
      /a worker exited unexpectedly; starting a new one[\s\S]*Server listening at (http:\/\/[\d.:]+)/,
    )) as RegExpMatchArray;
    const answer = await chat(url as string);
    expect(answer.status).toBe(200);
    expect(isAlive(frozen)).toBe(false);
    const [replacement] = childPids(process.child.pid as number);
    expect(replacement).not.toBe(frozen);
  });

  it("leaves a worker alone that answers, however long it has been running", async () => {
    const process = await start(["worker_health_timeout_seconds: 2"]);
    const worker = onlyWorker(process);
    // Several probe timeouts' worth of requests, in sequence.
    for (let index = 0; index < 20; index++) expect((await chat(process.url)).status).toBe(200);
    expect(onlyWorker(process)).toBe(worker);
    expect(process.output()).not.toContain("did not answer its health probe");
  });

  it("kills a worker that cannot drain on SIGTERM once --shutdown-timeout has passed, then exits 0", async () => {
    // A long health timeout, so that the shutdown deadline is what ends the frozen worker.
    const process = await start(["worker_health_timeout_seconds: 600"], ["--shutdown-timeout", "1"]);
    const frozen = onlyWorker(process);
    signal(frozen, "SIGSTOP");
    stopped.push(frozen);

    const exitCode = await process.stop("SIGTERM");
    expect(exitCode).toBe(0);
    expect(process.output()).toContain("a worker was still running past the shutdown timeout; killing it");
    expect(isAlive(frozen)).toBe(false);
  });
});
