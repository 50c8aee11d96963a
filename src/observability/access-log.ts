import { BOOLEAN, compileJson, NUMBER, STRING } from "../serialisation/compiled-json.js";

/**
 * One access-log line per request: what a person on call greps for. Field names are stable (dashboards and log
 * queries depend on them); values come from the gateway (names from the config, its own measurements) and the
 * request line, never a header value other than the validated request id, and never a key.
 */
export interface AccessLogEntry {
  request_id: string;
  method: string;
  /** The path without its query string (a query may carry a credential). */
  path: string;
  status: number;
  duration_ms: number;
  /** The client's address: the connection's, or `X-Forwarded-For`'s when the proxy is trusted. */
  client_ip: string;
  /** Which API answered (`mlflow`, `openai`, `deployments`), for requests to a route. */
  api?: string;
  route?: string;
  /** The target that served, `provider/model`, once an attempt was made. */
  target?: string;
  attempts?: number;
  /** Upstream time: the whole answer, or until the first event for a stream. */
  upstream_ms?: number;
  stream?: boolean;
  input_tokens?: number;
  output_tokens?: number;
  bytes_in: number;
  bytes_out: number;
  /** The gateway key's id (never the key), when access control identified one. */
  key_id?: string;
}

/** Milliseconds with microsecond precision: enough for the gateway's own overhead, short in the log. */
export function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * An entry as JSON, by a serialiser compiled once (serialisation/compiled-json.ts): fields in the order
 * `accessLogEntry` sets them, absent ones left out, the same text as `JSON.stringify` (access-log.test.ts).
 */
export const accessLogEntryJson = compileJson<AccessLogEntry>({
  request_id: STRING,
  method: STRING,
  path: STRING,
  status: NUMBER,
  duration_ms: NUMBER,
  client_ip: STRING,
  bytes_in: NUMBER,
  bytes_out: NUMBER,
  api: STRING,
  route: STRING,
  target: STRING,
  attempts: NUMBER,
  upstream_ms: NUMBER,
  stream: BOOLEAN,
  input_tokens: NUMBER,
  output_tokens: NUMBER,
  key_id: STRING,
});
