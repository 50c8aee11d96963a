import { z } from "zod";

/** Settings of the HTTP server itself. They apply when the gateway starts; a reload cannot change them. */
export interface ServerSettings {
  /** Largest request body accepted (413 beyond). */
  maxBodyBytes: number;
  /** A client must send its request headers within this time (slow clients cannot hold a worker). */
  headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this time. */
  requestTimeoutMs: number;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  maxBodyBytes: 10 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
};

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
  })
  .strict()
  .optional()
  .transform(
    (value): ServerSettings => ({
      maxBodyBytes: value?.max_body_bytes ?? DEFAULT_SERVER_SETTINGS.maxBodyBytes,
      headersTimeoutMs:
        value?.request_header_timeout_seconds === undefined
          ? DEFAULT_SERVER_SETTINGS.headersTimeoutMs
          : Math.round(value.request_header_timeout_seconds * 1000),
      requestTimeoutMs:
        value?.request_timeout_seconds === undefined
          ? DEFAULT_SERVER_SETTINGS.requestTimeoutMs
          : Math.round(value.request_timeout_seconds * 1000),
    }),
  );

export const SERVER_KEYS = "max_body_bytes, request_header_timeout_seconds, request_timeout_seconds";
