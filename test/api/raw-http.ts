import { connect } from "node:net";

export interface RawResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  text: string;
  body: unknown;
}

/**
 * Sends bytes exactly as given on a fresh connection and reads the first response: for what a well-behaved client
 * would never send (malformed URLs, huge headers, a body that never comes). With `stall`, the body the head
 * announces is never sent, so the gateway waits for it until its request timeout.
 */
export function sendRaw(
  url: string,
  head: string,
  options: { body?: string; stall?: boolean } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const finish = (): void => {
      const text = received.toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      if (split === -1) {
        reject(new Error(`no complete response: ${JSON.stringify(text)}`));
        return;
      }
      const [statusLine = "", ...headerLines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let rest = text.slice(split + 4);
      const length = headers["content-length"];
      if (length !== undefined) rest = Buffer.from(rest).subarray(0, Number(length)).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(rest);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, text: rest, body });
    };
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1];
      if (split !== -1 && length !== undefined && received.length >= split + 4 + Number(length)) {
        socket.destroy();
        finish();
      }
    });
    socket.on("close", () => finish());
    socket.on("error", () => {});
    socket.write(head);
    if (options.body !== undefined && options.stall !== true) socket.write(options.body);
  });
}

/** An HTTP/1.1 request head for `sendRaw`, with Content-Length when there is a body. */
export function requestHead(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): string {
  const all: Record<string, string> = { host: "gateway", connection: "close", ...headers };
  if (body !== undefined) all["content-length"] = String(Buffer.byteLength(body));
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}
