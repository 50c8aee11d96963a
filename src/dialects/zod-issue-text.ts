import type { z } from "zod";

/**
 * Says what is wrong with one value in words a person can act on, without the field name (callers add it).
 * Inputs are echoed only when `showInput` is set and they are short primitives: config values may be secrets.
 */
export function describeZodIssue(issue: z.core.$ZodIssue, showInput: boolean): string {
  const got = showInput ? describeInput(issue.input) : "";
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      // The type of a value is never a secret, so it is shown even where the value is not.
      return `must be ${article(issue.expected)} (got ${typeName(issue.input)})`;
    case "too_small":
      return describeBound(issue.origin, issue.minimum, issue.inclusive ?? true, "least") + got;
    case "too_big":
      return describeBound(issue.origin, issue.maximum, issue.inclusive ?? true, "most") + got;
    case "invalid_value":
      return `must be one of: ${issue.values.map((value) => JSON.stringify(value)).join(", ")}${got}`;
    case "unrecognized_keys":
      return `has unknown ${issue.keys.length === 1 ? "key" : "keys"} ${issue.keys.map((key) => `'${key}'`).join(", ")}`;
    case "invalid_union":
      return issue.message && !issue.message.startsWith("Invalid input")
        ? issue.message
        : `has an invalid value${got}`;
    case "invalid_format":
      // A schema's own message (a regex's "must be 1 to 64 letters, …") says more than the format's name.
      return issue.message && !issue.message.startsWith("Invalid")
        ? issue.message
        : `must be a valid ${issue.format}${got}`;
    default:
      return issue.message;
  }
}

function describeBound(
  origin: string,
  bound: number | bigint,
  inclusive: boolean,
  side: "least" | "most",
): string {
  if (origin === "array") return `must have at ${side} ${bound} ${bound === 1 ? "item" : "items"}`;
  if (origin === "string")
    return `must be at ${side} ${bound} ${bound === 1 ? "character" : "characters"} long`;
  if (!inclusive) return `must be ${side === "least" ? "greater" : "less"} than ${bound}`;
  return `must be at ${side} ${bound}`;
}

function describeInput(input: unknown): string {
  if (typeof input === "number" || typeof input === "boolean") return ` (got ${input})`;
  if (typeof input === "string" && input.length <= 40) return ` (got ${JSON.stringify(input)})`;
  return "";
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: "an object",
    array: "a list",
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "true or false",
  };
  return names[expected] ?? expected;
}

/** Joins a zod path into the dotted form used in messages (`messages.0.content`). */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((key) => String(key)).join(".");
}
