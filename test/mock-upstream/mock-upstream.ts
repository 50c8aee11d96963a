import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type ScriptedResponse, writeScriptedResponse } from "./scripted-response.js";

export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** Settles when the exchange is over: "complete" once the answer was written in full, "closed early" when
   * the connection closed before that (the client went away, or a scripted reset or cut). */
  outcome: Promise<RequestOutcome>;
}

export type RequestOutcome = "complete" | "closed early";

export interface SpecViolation {
  request: RecordedRequest;
  errors: string[];
}

export interface MockUpstream {
  /** "http://127.0.0.1:PORT", no trailing slash. */
  url: string;
  /** Every request received, in arrival order, except side requests. */
  requests: RecordedRequest[];
  /** Requests for credentials (an OAuth2 token endpoint, STS) that the mock serves beside the API: kept apart,
   * so tests see the model calls alone; they take no queue slot and no place in the id sequence. */
  sideRequests: RecordedRequest[];
  /** Requests that failed the provider's spec (also those answered from the queue). */
  specViolations: SpecViolation[];
  /** Answers the next requests with these, in order, instead of the default behaviour. The requests are
   * still recorded and spec-validated, but auth and validation no longer decide the answer. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Clears requests, violations and the queue, and restarts the id sequence. */
  reset(): void;
  /** Stops listening and destroys open sockets, including hanging and streaming ones. */
  close(): Promise<void>;
}

/** What a provider mock adds to the shared server. */
export interface MockBehaviour {
  /** Whether a request is a side request (see MockUpstream.sideRequests); none by default. */
  isSideRequest?(method: string, path: string): boolean;
  /** The spec violations of a request; [] when it is valid or its path has no request schema. */
  validate(request: RecordedRequest): string[];
  /** The default answer. `sequence` is the request's 1-based position since the last reset, for ids. */
  respond(
    request: RecordedRequest,
    violations: string[],
    sequence: number,
  ): ScriptedResponse | Promise<ScriptedResponse>;
  /** Forgets what the mock remembers across requests (a prompt cache, say); called by MockUpstream.reset(). */
  reset?(): void;
}

/** Starts a loopback server on an ephemeral port that records, validates and answers every request. */
export async function startMockUpstream(behaviour: MockBehaviour): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  const sideRequests: RecordedRequest[] = [];
  const specViolations: SpecViolation[] = [];
  const queue: ScriptedResponse[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Claim the queue slot and the position on arrival, so concurrent requests keep their arrival order
    // even when their bodies finish arriving in another order.
    const url = new URL(req.url ?? "/", "http://mock.invalid");
    const side = behaviour.isSideRequest?.(req.method ?? "GET", url.pathname) === true;
    const scripted = side ? undefined : queue.shift();
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: recordHeaders(req),
      body: undefined,
      rawBody: "",
      outcome: new Promise((resolve) => {
        res.on("close", () => resolve(res.writableFinished ? "complete" : "closed early"));
      }),
    };
    const log = side ? sideRequests : requests;
    log.push(request);
    const sequence = log.length;
    const answered = new AbortController();
    res.on("close", () => answered.abort());
    request.rawBody = await readBody(req);
    const errors = parseAndValidate(request, behaviour);
    if (errors.length > 0) specViolations.push({ request, errors });
    const response = scripted ?? (await behaviour.respond(request, errors, sequence));
    await writeScriptedResponse(res, response, AbortSignal.any([closing.signal, answered.signal]));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in a mock must fail the test loudly, not hang it: answer 500 with the message.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`mock upstream error: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sideRequests,
    specViolations,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    reset: () => {
      requests.length = 0;
      sideRequests.length = 0;
      specViolations.length = 0;
      queue.length = 0;
      behaviour.reset?.();
    },
    close: async () => {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function recordHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseAndValidate(request: RecordedRequest, behaviour: MockBehaviour): string[] {
  // Form bodies (STS's query protocol, OAuth2 token requests) are the behaviour's to read.
  const form = /^application\/x-www-form-urlencoded\b/i.test(request.headers["content-type"] ?? "");
  if (request.rawBody !== "" && !form) {
    try {
      request.body = JSON.parse(request.rawBody);
    } catch (error) {
      return [`request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  return behaviour.validate(request);
}
