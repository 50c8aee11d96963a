import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/** A provider whose vendored spec schemas live in test/fixtures/specs/<provider>.schemas.json. */
export type SpecProvider = "openai" | "anthropic" | "cohere" | "mistral" | "together" | "openrouter" | "tgi";

export interface SpecValidator {
  /** Validates `value` against `components.schemas[schemaName]`. Empty array = valid; otherwise one readable
   * line per error, starting with the JSON pointer of the offending value. */
  validate(schemaName: string, value: unknown): string[];
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule.default;

// OpenAPI format names that JSON Schema does not define: accepted as annotations, not checked. Registering
// them keeps Ajv from warning "unknown format ignored" on every compile.
const ANNOTATION_FORMATS = ["unixtime", "binary", "uuid4", "base64"];

const validators = new Map<SpecProvider, SpecValidator>();

/** Returns the (cached) validator for a provider; each schema is compiled on first use, then reused. */
export function createSpecValidator(provider: SpecProvider): SpecValidator {
  const existing = validators.get(provider);
  if (existing !== undefined) return existing;
  const validator = buildValidator(provider);
  validators.set(provider, validator);
  return validator;
}

function buildValidator(provider: SpecProvider): SpecValidator {
  const documentId = `https://switchyard.test/specs/${provider}.schemas.json`;
  const document: unknown = JSON.parse(
    readFileSync(new URL(`./fixtures/specs/${provider}.schemas.json`, import.meta.url), "utf8"),
  );
  const schemaNames = new Set(Object.keys(componentSchemas(document)));
  // strict: false because OpenAPI documents carry vendor keywords (x-*, example, discriminator, ...).
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, logger: false });
  addFormats(ajv);
  for (const format of ANNOTATION_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema({ ...(document as object), $id: documentId });
  const compiled = new Map<string, ValidateFunction>();

  const compile = (schemaName: string): ValidateFunction => {
    const cached = compiled.get(schemaName);
    if (cached !== undefined) return cached;
    if (!schemaNames.has(schemaName)) {
      throw new Error(`${provider}: no schema named ${schemaName} (have: ${[...schemaNames].join(", ")})`);
    }
    const fn = ajv.compile({ $ref: `${documentId}#/components/schemas/${schemaName}` });
    compiled.set(schemaName, fn);
    return fn;
  };

  return {
    validate(schemaName, value) {
      const fn = compile(schemaName);
      if (fn(value)) return [];
      return formatErrors(schemaName, fn.errors ?? []);
    },
  };
}

function componentSchemas(document: unknown): Record<string, unknown> {
  if (typeof document === "object" && document !== null && "components" in document) {
    const { components } = document;
    if (typeof components === "object" && components !== null && "schemas" in components) {
      const { schemas } = components;
      if (typeof schemas === "object" && schemas !== null) return schemas as Record<string, unknown>;
    }
  }
  throw new Error("vendored spec file has no components.schemas");
}

function formatErrors(schemaName: string, errors: ErrorObject[]): string[] {
  const lines = errors.map((error) => {
    const where = error.instancePath === "" ? "/" : error.instancePath;
    return `${schemaName} ${where}: ${error.message ?? error.keyword}${describeParams(error)}`;
  });
  return [...new Set(lines)];
}

/** Adds the detail Ajv keeps out of its message: the allowed values, or the unexpected property name. */
function describeParams(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  if (Array.isArray(params.allowedValues))
    return ` (allowed: ${params.allowedValues.map(String).join(", ")})`;
  if (typeof params.additionalProperty === "string") return ` (${params.additionalProperty})`;
  return "";
}
