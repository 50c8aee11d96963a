import { errorSchema, type JsonSchema } from "../error-format.js";
import { ERROR_FORMATS } from "../error-formats.js";
import { ANTHROPIC_SCHEMAS } from "./anthropic-schemas.js";
import { DEPLOYMENTS_SCHEMAS } from "./deployments-schemas.js";
import { MLFLOW_SCHEMAS } from "./mlflow-schemas.js";
import { OPENAI_SCHEMAS } from "./openai-schemas.js";
import { RESPONSES_SCHEMAS } from "./responses-schemas.js";

/**
 * Every named schema of the OpenAPI document: each API's own (one file per API under openapi/) and each API's
 * error body (and, for APIs that stream, its error frame). A new API adds its file here; a name used twice is a mistake caught at start-up.
 */
const PER_API: readonly Record<string, JsonSchema>[] = [
  MLFLOW_SCHEMAS,
  DEPLOYMENTS_SCHEMAS,
  OPENAI_SCHEMAS,
  RESPONSES_SCHEMAS,
  ANTHROPIC_SCHEMAS,
  Object.fromEntries(
    ERROR_FORMATS.flatMap((format) => [
      [format.schemaName, errorSchema(format)],
      ...(format.streamErrorSchemaName === undefined ? [] : [[format.streamErrorSchemaName, format.schema]]),
    ]),
  ),
];

export const OPENAPI_COMPONENT_SCHEMAS: Record<string, JsonSchema> = {};
for (const schemas of PER_API) {
  for (const [name, schema] of Object.entries(schemas)) {
    if (name in OPENAPI_COMPONENT_SCHEMAS) throw new Error(`OpenAPI schema '${name}' is defined twice`);
    OPENAPI_COMPONENT_SCHEMAS[name] = schema;
  }
}
