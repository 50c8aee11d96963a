import type { ResponseFormat } from "../../canonical/index.js";
import type { JsonRecord } from "../narrow.js";

export function encodeResponseFormat(format: ResponseFormat): JsonRecord {
  if (format.type !== "json_schema") return { type: format.type };
  const schema: JsonRecord = { name: format.name, schema: format.schema };
  if (format.strict !== undefined) schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}
