import { z } from "zod";
import {
  DEFAULT_OVERLOAD_SETTINGS,
  type OverloadSettings,
  overloadSettingsSchema,
} from "./overload-settings.js";
import { trustedProxySchema } from "./trusted-proxy.js";

/** Settings of the HTTP server itself. They apply when the gateway starts; a reload cannot change them. */
export interface ServerSettings {
  /** Largest request body accepted (413 beyond). */
  maxBodyBytes: number;
  /** A client must send its request headers within this time (slow clients cannot hold a worker). */
  headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this time. */
  requestTimeoutMs: number;
  /** Whether every request writes one structured access-log line. */
  accessLog: boolean;
  /**
   * How long a stream may stay silent before the gateway sends an SSE comment (`: keep-alive`), so that proxies
   * with a read timeout (nginx: 60 s) do not cut a stream whose upstream is still thinking; 0 turns it off.
   */
  sseHeartbeatMs: number;
  /**
   * The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (addresses or CIDR ranges); empty:
   * none, the client address is the connection's.
   */
  trustedProxies: string[];
  /** Deepest nesting of objects and arrays accepted in a JSON body (400 beyond), checked before parsing. */
  maxJsonDepth: number;
  /** A worker that does not answer the primary's health probe for this long is replaced. */
  workerHealthTimeoutMs: number;
  /** When a worker sheds new requests because its event loop is behind (overload/load-shedding.ts). */
  overload: OverloadSettings;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  maxBodyBytes: 10 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  accessLog: true,
  sseHeartbeatMs: 15_000,
  trustedProxies: [],
  maxJsonDepth: 128,
  workerHealthTimeoutMs: 10_000,
  overload: DEFAULT_OVERLOAD_SETTINGS,
};

/**
 * Deeper than this, re-serialising a body (which V8 does recursively) would overflow the stack: around 5,000
 * levels it does at the top of a stack, and a request's work runs deeper than that.
 */
export const MAX_JSON_DEPTH_LIMIT = 1000;

/** Whole milliseconds, at least 1: Node reads a timeout of 0 as "no timeout", the opposite of a tiny one. */
const toMs = (seconds: number | undefined, fallbackMs: number): number =>
  seconds === undefined ? fallbackMs : Math.max(1, Math.round(seconds * 1000));

export const serverSettingsSchema = z
  .object({
    max_body_bytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .optional(),
    request_header_timeout_seconds: z.number().positive().max(3600).optional(),
    request_timeout_seconds: z.number().positive().max(3600).optional(),
    access_log: z.boolean().optional(),
    sse_heartbeat_seconds: z.number().min(0).max(3600).optional(),
    trusted_proxies: z.array(trustedProxySchema).optional(),
    max_json_depth: z.number().int().min(2).max(MAX_JSON_DEPTH_LIMIT).optional(),
    worker_health_timeout_seconds: z.number().min(1).max(3600).optional(),
    overload: overloadSettingsSchema,
  })
  .strict()
  .optional()
  // A transform runs only once every value is valid, so the comparison below never reads an invalid one.
  .transform((value, context): ServerSettings => {
    const settings: ServerSettings = {
      maxBodyBytes: value?.max_body_bytes ?? DEFAULT_SERVER_SETTINGS.maxBodyBytes,
      headersTimeoutMs: toMs(value?.request_header_timeout_seconds, DEFAULT_SERVER_SETTINGS.headersTimeoutMs),
      requestTimeoutMs: toMs(value?.request_timeout_seconds, DEFAULT_SERVER_SETTINGS.requestTimeoutMs),
      accessLog: value?.access_log ?? DEFAULT_SERVER_SETTINGS.accessLog,
      sseHeartbeatMs:
        value?.sse_heartbeat_seconds === undefined
          ? DEFAULT_SERVER_SETTINGS.sseHeartbeatMs
          : Math.round(value.sse_heartbeat_seconds * 1000),
      trustedProxies: value?.trusted_proxies ?? DEFAULT_SERVER_SETTINGS.trustedProxies,
      maxJsonDepth: value?.max_json_depth ?? DEFAULT_SERVER_SETTINGS.maxJsonDepth,
      workerHealthTimeoutMs: toMs(
        value?.worker_health_timeout_seconds,
        DEFAULT_SERVER_SETTINGS.workerHealthTimeoutMs,
      ),
      overload: value?.overload ?? DEFAULT_OVERLOAD_SETTINGS,
    };
    // Node refuses to start a server whose headers timeout exceeds its request timeout (ERR_OUT_OF_RANGE):
    // the headers are part of the request. Caught here, it is a config problem with a place, not a crash.
    if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
      context.issues.push(timeoutOrderIssue(value, settings));
    }
    return settings;
  });

type ServerEntry = { request_header_timeout_seconds?: number; request_timeout_seconds?: number } | undefined;

/** Reported at the headers timeout when it is written, else at the request timeout that is too short for it. */
function timeoutOrderIssue(value: ServerEntry, settings: ServerSettings): z.core.$ZodRawIssue {
  const why = "the headers are part of the request";
  if (value?.request_header_timeout_seconds === undefined) {
    return {
      code: "custom",
      input: value?.request_timeout_seconds,
      path: ["request_timeout_seconds"],
      message: `must be at least request_header_timeout_seconds (${settings.headersTimeoutMs / 1000}, its default); ${why}`,
    };
  }
  const which = value.request_timeout_seconds === undefined ? ", its default" : "";
  return {
    code: "custom",
    input: value.request_header_timeout_seconds,
    path: ["request_header_timeout_seconds"],
    message: `must be at most request_timeout_seconds (${settings.requestTimeoutMs / 1000}${which}); ${why}`,
  };
}

export const SERVER_KEYS =
  "max_body_bytes, request_header_timeout_seconds, request_timeout_seconds, access_log, sse_heartbeat_seconds, trusted_proxies, max_json_depth, worker_health_timeout_seconds, overload";
