import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { seededRandom } from "../../src/providers/seeded-random.js";
import { lastUserText, openAIChatCompletion, openAIChatStreamFrames } from "../mock-upstream/index.js";
import { HTML_ERROR_PAGE } from "./upstream-faults.js";

/**
 * An OpenAI-shaped chat upstream that fails a given share of its requests at random, for the chaos tests:
 * thousands of requests would make a queue of scripted answers unwieldy. Failures happen before the first byte
 * of an answer, which is where a gateway can still hide them. A success echoes the last user message, like the
 * mocks ("Echo: <text>"), streaming when asked to.
 */

export type FlakyFault = "500" | "503" | "reset" | "malformed" | "html" | "hang";

export interface FlakyUpstream {
  url: string;
  /** Requests received, and how many of them got a fault. */
  counts(): { requests: number; faults: number };
  close(): Promise<void>;
}

export interface FlakyOptions {
  /** Share of requests that fail, 0..1. */
  faultRate: number;
  faults: FlakyFault[];
  /** Seed of the random choices, so a failing run can be told apart from bad luck. */
  seed: number;
}

export async function startFlakyUpstream(options: FlakyOptions): Promise<FlakyUpstream> {
  const random = seededRandom(options.seed);
  const sockets = new Set<Socket>();
  let requests = 0;
  let faults = 0;

  const answer = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    requests++;
    if (random() < options.faultRate) {
      faults++;
      const fault = options.faults[Math.floor(random() * options.faults.length)] ?? "500";
      injectFault(req, res, fault);
      return;
    }
    const body = JSON.parse(text) as { model?: string; messages?: unknown[]; stream?: boolean };
    const reply = { model: body.model ?? "flaky", text: `Echo: ${lastUserText(body.messages ?? [])}` };
    if (body.stream === true) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(openAIChatStreamFrames(reply).join(""));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(openAIChatCompletion(reply)));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => answer(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ requests, faults }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function injectFault(req: IncomingMessage, res: ServerResponse, fault: FlakyFault): void {
  const error = (status: number, message: string) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }));
  };
  switch (fault) {
    case "500":
      error(500, "The server had an error while processing your request.");
      return;
    case "503":
      error(503, "The engine is currently overloaded, please try again later.");
      return;
    case "reset":
      req.socket.destroy();
      return;
    case "malformed":
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id": "chatcmpl-flaky", "object": "chat.completion", "choices": [{"index": 0, "mess');
      return;
    case "html":
      res.writeHead(502, { "content-type": "text/html" });
      res.end(HTML_ERROR_PAGE);
      return;
    case "hang":
      // Never answers: the gateway's first-byte timeout has to end it.
      return;
  }
}
