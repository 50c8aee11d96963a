import type { z } from "zod";

/** The keys allowed in the object at `path` of a schema (through lists, optionals and unions). */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string {
  const shape = objectShapeAt(schema, path);
  return shape === undefined ? "see the configuration reference" : Object.keys(shape).join(", ");
}

function objectShapeAt(schema: z.ZodType, path: readonly PropertyKey[]): Record<string, unknown> | undefined {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
      return objectShapeAt(def.innerType as z.ZodType, path);
    case "pipe":
      return objectShapeAt(def.in as z.ZodType, path);
    case "array":
      return objectShapeAt(def.element as z.ZodType, path.slice(1));
    case "union":
      for (const option of def.options as z.ZodType[]) {
        const shape = objectShapeAt(option, path);
        if (shape !== undefined) return shape;
      }
      return undefined;
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      if (path.length === 0) return shape;
      const inner = shape[String(path[0])];
      return inner === undefined ? undefined : objectShapeAt(inner, path.slice(1));
    }
    default:
      return undefined;
  }
}
