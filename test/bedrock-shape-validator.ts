import { readFileSync } from "node:fs";

/**
 * Validates JSON values against shapes of Bedrock's official service model (botocore JSON, vendored in
 * test/fixtures/specs/bedrock.shapes.json), the way the service's rest-json protocol reads them: structures
 * refuse unknown members and need their required ones (members bound to the URI or headers are not in the
 * body), unions take exactly one member, strings and numbers keep to their enums and bounds, blobs are base64
 * strings, documents are any JSON. Returns one readable line per problem; [] when the value is valid.
 */

interface Member {
  shape: string;
  location?: string;
}

interface Shape {
  type: string;
  members?: Record<string, Member>;
  required?: string[];
  union?: boolean;
  member?: Member;
  key?: Member;
  value?: Member;
  enum?: string[];
  min?: number;
  max?: number;
  document?: boolean;
}

interface ServiceModel {
  shapes: Record<string, Shape>;
}

let model: ServiceModel | undefined;

function loadModel(): ServiceModel {
  model ??= JSON.parse(
    readFileSync(new URL("./fixtures/specs/bedrock.shapes.json", import.meta.url), "utf8"),
  ) as ServiceModel;
  return model;
}

export function validateBedrockShape(shapeName: string, value: unknown): string[] {
  const problems: string[] = [];
  check(loadModel(), shapeName, value, shapeName, problems);
  return problems;
}

function check(model: ServiceModel, name: string, value: unknown, path: string, problems: string[]): void {
  const shape = model.shapes[name];
  if (shape === undefined) throw new Error(`bedrock.shapes.json has no shape ${name}`);
  const problem = (text: string) => problems.push(`${path}: ${text}`);
  switch (shape.type) {
    case "structure": {
      if (shape.document === true) return;
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return void problem(`must be an object (${name})`);
      const record = value as Record<string, unknown>;
      const members = Object.fromEntries(
        Object.entries(shape.members ?? {}).filter(([, member]) => member.location === undefined),
      );
      for (const key of Object.keys(record)) {
        if (!(key in members))
          problem(`unknown member '${key}' (${name} has: ${Object.keys(members).join(", ")})`);
      }
      for (const key of shape.required ?? []) {
        if (key in members && record[key] === undefined) problem(`missing required member '${key}'`);
      }
      const present = Object.keys(record).filter((key) => key in members && record[key] !== undefined);
      if (shape.union === true && present.length !== 1)
        problem(`union ${name} must set exactly one member (has ${present.join(", ") || "none"})`);
      for (const key of present)
        check(model, members[key]?.shape as string, record[key], `${path}.${key}`, problems);
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return void problem("must be a list");
      bounds(shape, value.length, "items", problem);
      value.forEach((item, index) => {
        check(model, shape.member?.shape as string, item, `${path}[${index}]`, problems);
      });
      return;
    }
    case "map": {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return void problem("must be a map");
      for (const [key, item] of Object.entries(value)) {
        check(model, shape.key?.shape as string, key, `${path}{key}`, problems);
        check(model, shape.value?.shape as string, item, `${path}.${key}`, problems);
      }
      return;
    }
    case "string":
      if (typeof value !== "string") return void problem("must be a string");
      if (shape.enum !== undefined && !shape.enum.includes(value))
        problem(`must be one of ${shape.enum.join(", ")}`);
      bounds(shape, value.length, "characters", problem);
      return;
    case "integer":
    case "long":
      if (!Number.isInteger(value)) return void problem("must be an integer");
      bounds(shape, value as number, "", problem);
      return;
    case "float":
    case "double":
      if (typeof value !== "number") return void problem("must be a number");
      bounds(shape, value, "", problem);
      return;
    case "boolean":
      if (typeof value !== "boolean") problem("must be a boolean");
      return;
    case "blob":
      if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
        problem("must be a base64 string");
      return;
    case "timestamp":
      if (typeof value !== "string" && typeof value !== "number") problem("must be a timestamp");
      return;
    default:
      throw new Error(`unsupported shape type ${shape.type} (${name})`);
  }
}

function bounds(shape: Shape, size: number, unit: string, problem: (text: string) => void): void {
  const what = unit === "" ? "" : ` ${unit}`;
  if (shape.min !== undefined && size < shape.min) problem(`must be at least ${shape.min}${what}`);
  if (shape.max !== undefined && size > shape.max) problem(`must be at most ${shape.max}${what}`);
}
