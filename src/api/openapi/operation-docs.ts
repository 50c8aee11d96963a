import { GatewayError } from "../../canonical/index.js";
import { type ErrorFormat, errorBody, type JsonSchema } from "../error-format.js";
import {
  END_USER_HEADER,
  MAX_END_USER_CHARS,
  MAX_TAG_CHARS,
  MAX_TAGS,
  TAGS_HEADER,
} from "../request-attribution.js";

/**
 * Builders for the OpenAPI side of Fastify route schemas (@fastify/swagger turns them into the document).
 * Bodies and responses reference named schemas in `components.schemas` (openapi-components.ts); examples are
 * keyed by the route they query, so a test (and Swagger UI's "Try it out") can send each one as it is.
 */

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export interface Example {
  summary: string;
  value: unknown;
}

/** A JSON request body; `examples` keyed by the route name the example queries (the `{name}` to use). */
export function jsonBody(schemaName: string, examples: Record<string, Example>): JsonSchema {
  // @fastify/swagger takes a body's examples from `x-examples` on its schema, but drops the siblings of a bare
  // `$ref`: the reference is wrapped.
  return {
    content: { "application/json": { schema: { allOf: [ref(schemaName)], "x-examples": examples } } },
  };
}

/** A JSON response, optionally also a Server-Sent Events stream whose data lines are `streamItem`. */
export function jsonResponse(
  description: string,
  schemaName: string,
  examples: Record<string, Example> = {},
  stream?: { itemSchemaName: string; errorSchemaName: string; description: string },
): JsonSchema {
  const content: Record<string, unknown> = {
    "application/json": { schema: ref(schemaName), ...(Object.keys(examples).length > 0 && { examples }) },
  };
  if (stream !== undefined) {
    content["text/event-stream"] = {
      schema: {
        type: "string",
        description: `${stream.description} Each \`data:\` line is a ${stream.itemSchemaName}, or an error object that ends a broken stream (\`x-item-schema\`).`,
      },
      // OpenAPI 3.1 cannot describe the items of a stream (3.2's itemSchema can): an extension says it.
      "x-item-schema": { anyOf: [ref(stream.itemSchemaName), ref(stream.errorSchemaName)] },
    };
  }
  return { description, content };
}

/** Which of the API's documented errors an operation can answer; `"upstream"` becomes the `default` response. */
export function errorResponses(
  format: ErrorFormat,
  statuses: readonly (number | "upstream")[],
): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const row of format.documentedErrors) {
    if (!statuses.includes(row.status)) continue;
    const { code, message, param, upstreamStatus } = row.example;
    const details = {
      ...(param !== undefined && { param }),
      ...(upstreamStatus !== undefined && { upstreamStatus }),
    };
    const example = errorBody(format, new GatewayError(code, message, details), EXAMPLE_REQUEST_ID);
    const key = row.status === "upstream" ? "default" : String(row.status);
    const description =
      row.status === "upstream" ? `The provider's own status: ${row.when}.` : capitalise(row.when);
    responses[key] = {
      description,
      content: { "application/json": { schema: ref(format.schemaName), example } },
      ...(row.status === 405 && {
        headers: { allow: { type: "string", description: "The methods the path accepts." } },
      }),
    };
  }
  return responses;
}

const EXAMPLE_REQUEST_ID = "0f8e5c2a-3b1d-4e6f-9a7b-2c4d6e8f0a1b";

/** Errors any request can meet: wrong method, too slow, headers too large, a defect. */
export const ANY_REQUEST_ERRORS = [405, 408, 431, 500] as const;

/** Every documented error of the format except those in `except`. */
export function allErrorsBut(format: ErrorFormat, except: readonly (number | "upstream")[] = []) {
  return format.documentedErrors.map((row) => row.status).filter((status) => !except.includes(status));
}

/**
 * The request headers every inference operation reads for the usage log (request-attribution.ts). Documentation
 * only, as every route schema here: the gateway's validator accepts anything, and the values are checked when the
 * request is attributed (a 400 in the API's error format).
 */
export const ATTRIBUTION_HEADERS: JsonSchema = {
  type: "object",
  properties: {
    [END_USER_HEADER]: {
      type: "string",
      maxLength: MAX_END_USER_CHARS,
      description: `Who the request is for, recorded as \`end_user\` in the usage log; wins over the body's own field (\`user\`, \`metadata.user_id\`). At most ${MAX_END_USER_CHARS} characters. Never sent upstream.`,
      examples: ["user-1234"],
    },
    [TAGS_HEADER]: {
      type: "string",
      pattern: `^[A-Za-z0-9_.:/=, -]*$`,
      description: `Labels recorded as \`tags\` in the usage log: at most ${MAX_TAGS}, comma-separated (trimmed; empty ones dropped), each of 1 to ${MAX_TAG_CHARS} characters among A-Z a-z 0-9 _ . : / = -. Never sent upstream.`,
      examples: ["team:search,env=prod"],
    },
  },
};

/** A path parameter naming a route, with the example route Try it out starts from. */
export function routeNameParams(name: string, description: string, example: string): JsonSchema {
  return {
    type: "object",
    properties: { [name]: { type: "string", description, examples: [example] } },
    required: [name],
  };
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
