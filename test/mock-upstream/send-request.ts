import { request as httpRequest } from "node:http";

export interface ReceivedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received, decoded as UTF-8. */
  text: string;
  /** The body as the 'data' events delivered it, one Buffer each, to observe how bytes arrived. */
  chunks: Buffer[];
  /** Set when the connection broke before the response ended; `text` then holds what arrived. */
  error?: Error;
}

/**
 * A plain node:http client for the self-tests: unlike undici it reports the pieces a body arrived in and
 * keeps the partial body of a cut stream. No keep-alive, so every request gets its own socket.
 */
export function sendRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<ReceivedResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: options.method ?? (payload === undefined ? "GET" : "POST"),
      agent: false,
      headers: { ...(payload !== undefined && { "content-type": "application/json" }), ...options.headers },
      timeout: options.timeoutMs ?? 5_000,
    });
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      const finish = (error?: Error) =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
          chunks,
          ...(error && { error }),
        });
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => finish());
      res.on("error", (error) => finish(error));
      res.on("aborted", () => finish(new Error("aborted")));
    });
    req.end(payload);
  });
}
