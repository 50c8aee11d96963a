import type { ErrorCode, GatewayError } from "../canonical/index.js";

/** A JSON Schema, as it goes into the OpenAPI document. */
export type JsonSchema = Record<string, unknown>;

/**
 * One line of an API's error table: a status it answers errors with, and when. `"upstream"` is the provider's
 * own status, passed on. The same rows make the table in the API's page under docs/ (a test checks that they
 * agree, and that the server answers each status) and the error responses of its OpenAPI operations.
 */
export interface DocumentedError {
  status: number | "upstream";
  when: string;
  /** A typical error of this row, for the OpenAPI document's example. */
  example: { code: ErrorCode; message: string; param?: string; upstreamStatus?: number };
}

/**
 * How one API reports errors: its status for each gateway error, the body it sends, and what the OpenAPI
 * document says about them. Each API defines its format in a file of its own and lists it in error-formats.ts;
 * the error handling (api-errors.ts) picks the format by request path, so every error on an API's paths, the
 * HTTP layer's own included (405, 408, 413, 415, 431, bad URL, malformed JSON), is in that API's format.
 */
export interface ErrorFormat {
  /** Name of the format's schema in the OpenAPI document (`components.schemas`). */
  schemaName: string;
  /** Path prefixes of the API (`/v1/`). The longest prefix that matches wins; the default format owns the rest. */
  pathPrefixes: readonly string[];
  status(error: GatewayError): number;
  body(error: GatewayError): unknown;
  /** JSON Schema of every body `body()` gives. */
  schema: JsonSchema;
  documentedErrors: readonly DocumentedError[];
}
