import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { anthropicBodies, type DialectBodies, openaiBodies } from "./mock-bodies.js";
import { responsesBodies } from "./mock-responses-bodies.js";

/**
 * The bench's mock upstream: as fast as node:http allows, answering from pre-serialised buffers.
 * `POST .../chat/completions` answers as OpenAI, `POST .../messages` as Anthropic; `"stream": true` in the
 * body gets the dialect's SSE stream. A leading path segment picks the mode, so a gateway's base URL selects it:
 *   /v1/...               instant: the answer at once (a stream in one write of 20 chunks)
 *   /delay-<ms>/v1/...    fixed delay: the answer after <ms> milliseconds
 *   /paced-<n>x<ms>/v1/... paced SSE: n chunks, one write every <ms> (JSON answers are instant)
 * It also takes OTLP trace exports (`POST /v1/traces`) for the Switchyard with tracing on, and drops them.
 * Usage: node mock-upstream.js <port>
 */

interface Mode {
  delayMs: number;
  chunks: number;
  intervalMs: number;
  bodies: DialectBodies | undefined;
}

const DEFAULT_CHUNKS = 20;
const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const NOT_FOUND = Buffer.from('{"error":{"message":"unknown path","type":"invalid_request_error"}}');

const modes = new Map<string, Mode>();

function modeOf(url: string): Mode {
  let mode = modes.get(url);
  if (mode !== undefined) return mode;
  const path = url.split("?")[0] ?? "";
  const bodies = path.endsWith("/chat/completions")
    ? openaiBodies
    : path.endsWith("/messages")
      ? anthropicBodies
      : path.endsWith("/responses")
        ? responsesBodies
        : undefined;
  const delay = /^\/delay-(\d+)\//.exec(path);
  const paced = /^\/paced-(\d+)x(\d+)\//.exec(path);
  mode = {
    delayMs: delay ? Number(delay[1]) : 0,
    chunks: paced ? Number(paced[1]) : DEFAULT_CHUNKS,
    intervalMs: paced ? Number(paced[2]) : 0,
    bodies,
  };
  // Bounded: a bench uses a handful of paths; anything else is answered without being remembered.
  if (modes.size < 64) modes.set(url, mode);
  return mode;
}

function isStreamRequest(body: Buffer): boolean {
  return body.includes('"stream":true') || body.includes('"stream": true');
}

function answer(response: ServerResponse, mode: Mode, stream: boolean): void {
  const bodies = mode.bodies;
  if (bodies === undefined) {
    response.writeHead(404, JSON_HEADERS).end(NOT_FOUND);
    return;
  }
  if (!stream) {
    response.writeHead(200, { ...JSON_HEADERS, "content-length": bodies.json.length }).end(bodies.json);
    return;
  }
  const { frames, whole } = bodies.stream(mode.chunks);
  response.writeHead(200, SSE_HEADERS);
  if (mode.intervalMs === 0) {
    response.end(whole);
    return;
  }
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = (): void => {
    const frame = frames[index++];
    if (frame === undefined || response.destroyed) return;
    if (index === frames.length) {
      response.end(frame);
      return;
    }
    response.write(frame);
    timer = setTimeout(next, mode.intervalMs);
  };
  response.on("close", () => clearTimeout(timer));
  next();
}

/** An empty body is a complete ExportTraceServiceResponse in both OTLP encodings' (protobuf: no fields set). */
function acceptTraces(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  request.on("end", () => {
    const json = (request.headers["content-type"] ?? "").includes("json");
    response.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
    response.end(json ? "{}" : "");
  });
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  if (request.url === "/v1/traces") {
    acceptTraces(request, response);
    return;
  }
  const mode = modeOf(request.url ?? "/");
  const parts: Buffer[] = [];
  request.on("data", (part: Buffer) => parts.push(part));
  request.on("end", () => {
    const body = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    const stream = isStreamRequest(body);
    if (mode.delayMs > 0) setTimeout(() => answer(response, mode, stream), mode.delayMs);
    else answer(response, mode, stream);
  });
}

const port = Number(process.argv[2] ?? 18100);
const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, handle);
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`mock upstream listening on http://127.0.0.1:${port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
