import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createConfigDirectory } from "../e2e/config-files.js";
import { type GatewayProcess, startGatewayProcess } from "../e2e/gateway-process.js";
import { type MockUpstream, openAIChatStreamFrames, startOpenAIMock } from "../mock-upstream/index.js";
import { openChatStream, readRestOfStream, type StreamAnswer, waitUntil } from "./gateway-calls.js";
import { configText, openAITarget } from "./resilience-config.js";

/**
 * SIGTERM with streams in flight, on the real CLI: the gateway stops accepting connections at once, lets the
 * streams it is serving finish, and exits 0; with --shutdown-timeout, a stream that never ends does not keep it
 * alive past the deadline. The upstream holds its streams until the test releases them, so nothing depends on
 * timing.
 */

const TEXT = "Echo: one two three";

let upstream: MockUpstream;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  upstream = await startOpenAIMock();
});

afterAll(async () => {
  await upstream?.close();
});

beforeEach(() => upstream.reset());

afterEach(async () => {
  await gateway?.stop("SIGKILL");
  gateway = undefined;
});

async function startWithStreamingRoute(extraArgs: string[] = []): Promise<GatewayProcess> {
  const configPath = join(createConfigDirectory(), "config.yaml");
  writeFileSync(
    configPath,
    configText([{ name: "streams", targets: [openAITarget(upstream, "gpt-stream")] }]),
  );
  gateway = await startGatewayProcess(["--config-path", configPath, "--no-watch", ...extraArgs]);
  return gateway;
}

/** A stream the client has started to receive, and its completion. */
interface OpenStream {
  firstText: string;
  finished: Promise<StreamAnswer>;
}

async function openStreamAndReadFirstChunk(url: string): Promise<OpenStream> {
  const response = await openChatStream(url, "streams");
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const first = await reader.read();
  const firstText = decoder.decode(first.value, { stream: true });
  return { firstText, finished: readRestOfStream(response, reader, firstText, decoder) };
}

/** Whether a new TCP connection to the gateway's port is refused. */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

function heldStream(until: Promise<unknown>) {
  return {
    kind: "stream" as const,
    frames: openAIChatStreamFrames({ text: TEXT }),
    hold: { afterFrames: 2, until },
  };
}

describe("graceful shutdown", () => {
  it("lets two streams in flight finish cleanly on SIGTERM, refuses new connections, and exits 0", async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.enqueue(heldStream(held), heldStream(held));
    const gw = await startWithStreamingRoute();
    const streams = [await openStreamAndReadFirstChunk(gw.url), await openStreamAndReadFirstChunk(gw.url)];
    expect(upstream.requests).toHaveLength(2);

    const exitCode = gw.stop("SIGTERM");
    await waitUntil(() => refusesConnections(gw.url), "the gateway refuses new connections");
    release();
    const answers = await Promise.all(streams.map((stream) => stream.finished));

    for (const [index, answer] of answers.entries()) {
      expect(streams[index]?.firstText).toMatch(/^data: /);
      expect(answer.errorFrame).toBeUndefined();
      expect(answer.done, answer.text).toBe(true);
      expect(answer.content).toBe(TEXT);
    }
    expect(await exitCode).toBe(0);
  });

  it("exits 0 at the --shutdown-timeout deadline when a stream never ends", async () => {
    upstream.enqueue(heldStream(new Promise<never>(() => {})));
    const gw = await startWithStreamingRoute(["--shutdown-timeout", "1", "--workers", "1"]);
    const stream = await openStreamAndReadFirstChunk(gw.url);

    const exitCode = await gw.stop("SIGTERM");
    const answer = await stream.finished;

    expect(exitCode).toBe(0);
    expect(gw.output()).toContain("shutdown deadline reached");
    // The client sees a stream cut short, never a clean end.
    expect(answer.done).toBe(false);
  });
});
