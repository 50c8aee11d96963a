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
  /** Name of the error response's schema in the OpenAPI document (`components.schemas`): errorSchema(format). */
  schemaName: string;
  /**
   * Name of the schema of the error frame that ends a broken stream, for APIs that stream: the envelope alone
   * (a provider's own error frame is relayed as it is, so frames carry no `request_id`; the header has it).
   */
  streamErrorSchemaName?: string;
  /** Path prefixes of the API (`/v1/`). The longest prefix that matches wins; the default format owns the rest. */
  pathPrefixes: readonly string[];
  status(error: GatewayError): number;
  /** The API's error envelope; errorBody() adds the request id. */
  body(error: GatewayError): object;
  /** JSON Schema of every envelope `body()` gives (an object schema with `properties` and `required`). */
  schema: JsonSchema & { properties: Record<string, unknown>; required: string[] };
  documentedErrors: readonly DocumentedError[];
}

/**
 * The body of every error response, in every API: the API's envelope plus `request_id`, the id in the response's
 * `x-request-id` header, so whoever quotes an error quotes what finds its log lines. The one place it is added
 * (handler, framework and connection-level errors all come here), as errorSchema() is the one place it is
 * documented.
 */
export function errorBody(format: ErrorFormat, error: GatewayError, requestId: string): object {
  return { ...format.body(error), request_id: requestId };
}

/** JSON Schema of errorBody(): the format's envelope with `request_id`. */
export function errorSchema(format: ErrorFormat): JsonSchema {
  return {
    ...format.schema,
    properties: { ...format.schema.properties, request_id: REQUEST_ID_SCHEMA },
    required: [...format.schema.required, "request_id"],
  };
}

const REQUEST_ID_SCHEMA: JsonSchema = {
  type: "string",
  description:
    "The request's id, also in the `x-request-id` response header: the one the client or a proxy sent (when it is 1-128 characters of `A-Za-z0-9._:@/+=-`), else a generated UUID. Every log line about the request carries it.",
  examples: ["0f8e5c2a-3b1d-4e6f-9a7b-2c4d6e8f0a1b"],
};
