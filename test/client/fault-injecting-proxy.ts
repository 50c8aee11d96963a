import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An answer the proxy gives instead of forwarding. */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Arrival {
  /** `Date.now()` when the request arrived. */
  atMs: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FaultInjectingProxy {
  url: string;
  /** Every request that reached the proxy, faulted or forwarded. */
  arrivals: Arrival[];
  /** Queues faults: the next requests get them, in order; once they are used up, requests are forwarded. */
  inject(...faults: Fault[]): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a real gateway that answers the first requests with injected faults (429,
 * 503 with Retry-After, error pages) and forwards the rest untouched. It stands in for a busy gateway or a
 * load balancer, without mocking the gateway itself.
 */
export async function startFaultInjectingProxy(targetUrl: string): Promise<FaultInjectingProxy> {
  const faults: Fault[] = [];
  const arrivals: Arrival[] = [];
  const server = createServer((request, response) => {
    arrivals.push({
      atMs: Date.now(),
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
    });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const fault = faults.shift();
      if (fault !== undefined) {
        response.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        response.end(fault.body ?? JSON.stringify({ detail: `injected ${fault.status}` }));
        return;
      }
      const body = Buffer.concat(chunks);
      fetch(`${targetUrl}${request.url ?? "/"}`, {
        method: request.method ?? "GET",
        headers: { "content-type": request.headers["content-type"] ?? "application/json" },
        ...(body.length > 0 ? { body } : {}),
      })
        .then(async (upstream) => {
          response.writeHead(upstream.status, {
            "content-type": upstream.headers.get("content-type") ?? "application/json",
          });
          response.end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch(() => {
          response.writeHead(502).end();
        });
    });
  });
  const url = await listen(server);
  return {
    url,
    arrivals,
    inject: (...more) => faults.push(...more),
    close: () => closeServer(server),
  };
}

/** A loopback server that accepts requests and never answers them: for timeouts. */
export async function startSilentServer(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let count = 0;
  const server = createServer(() => {
    count++;
  });
  const url = await listen(server);
  return { url, requests: () => count, close: () => closeServer(server) };
}

/** A loopback server that answers every request the same way. */
export async function startFixedServer(fault: Fault): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(fault.status, fault.headers ?? {});
    response.end(fault.body ?? "");
  });
  return { url: await listen(server), close: () => closeServer(server) };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
