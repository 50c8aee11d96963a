import type { z } from "zod";
import { GatewayError } from "../../canonical/index.js";
import { safeParseReportingInput } from "../parse-reporting-input.js";

/**
 * Validation of OpenAI request bodies with messages modelled on OpenAI's own 400s, e.g. "Invalid type for
 * 'temperature': expected a number, but got a string instead." Each message names the field in OpenAI's
 * notation (`messages[0].content`); the error's `param` is the canonical dotted path (`messages.0.content`),
 * which the OpenAI error encoder turns back into OpenAI's notation.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_body", "The request body must be a JSON object.");
  }
  const result = safeParseReportingInput(schema, body);
  if (result.success) return result.data;
  const problems = result.error.issues.map(resolveIssue);
  const first = problems[0];
  // One message per problem, in field order; the param names the first, as OpenAI reports one field.
  throw new GatewayError("invalid_body", problems.map((problem) => problem.message).join(" "), {
    ...(first === undefined || first.path.length === 0 ? {} : { param: first.path.join(".") }),
  });
}

/** An invalid_body error about one field, with `path` given as the OpenAI-notation segments. */
export function invalidBody(message: string, path: readonly PropertyKey[]): GatewayError {
  return new GatewayError("invalid_body", message, { param: path.map(String).join(".") });
}

/** `["messages", 0, "content"]` -> `messages[0].content`, the notation of OpenAI's messages and `param`s. */
export function openAIParamName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const key of path) {
    if (typeof key === "number" || /^\d+$/.test(String(key))) name += `[${String(key)}]`;
    else name += name === "" ? String(key) : `.${String(key)}`;
  }
  return name;
}

interface Problem {
  path: PropertyKey[];
  message: string;
}

type Issue = z.core.$ZodIssue;

/** Descends into unions to the branch that matched the value's shape, so the message is about the real fault. */
function resolveIssue(issue: Issue): Problem {
  if (issue.code === "invalid_union") {
    if (issue.errors.length === 0) return describeDiscriminator(issue);
    const shaped = issue.errors.find((branch) => !branch.some(isRootShapeMismatch));
    const inner = shaped?.[0];
    // Branch issues have paths relative to the union's value.
    if (inner !== undefined) return resolveIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue);
    if (issue.input === undefined) {
      return {
        path: [...issue.path],
        message: `Missing required parameter: '${openAIParamName(issue.path)}'.`,
      };
    }
    const expected = [...new Set(issue.errors.flatMap((branch) => branch.map(expectedShape)))];
    return {
      path: [...issue.path],
      message: `Invalid type for '${openAIParamName(issue.path)}': expected ${joinWords(expected, "or")}, but got ${jsonTypeName(issue.input)} instead.`,
    };
  }
  return { path: [...issue.path], message: describeIssue(issue, openAIParamName(issue.path)) };
}

function describeIssue(issue: Issue, param: string): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `Missing required parameter: '${param}'.`;
      return `Invalid type for '${param}': expected ${typeWords(issue.expected)}, but got ${jsonTypeName(issue.input)} instead.`;
    case "too_small":
      return describeBound(
        param,
        issue.origin,
        Number(issue.minimum),
        issue.inclusive ?? true,
        "min",
        issue.input,
      );
    case "too_big":
      return describeBound(
        param,
        issue.origin,
        Number(issue.maximum),
        issue.inclusive ?? true,
        "max",
        issue.input,
      );
    case "invalid_value":
      return describeValue(param, issue.input, issue.values);
    case "custom":
      return `Invalid '${param}': ${issue.message}`;
    default:
      return `Invalid '${param}': ${issue.message}.`;
  }
}

function describeDiscriminator(issue: Extract<Issue, { code: "invalid_union" }>): Problem {
  const key = typeof issue.discriminator === "string" ? issue.discriminator : "type";
  const path = issue.path.at(-1) === key ? [...issue.path] : [...issue.path, key];
  const container = issue.input;
  const value =
    typeof container === "object" && container !== null && !Array.isArray(container)
      ? (container as Record<string, unknown>)[key]
      : undefined;
  const param = openAIParamName(path);
  if (value === undefined) return { path, message: `Missing required parameter: '${param}'.` };
  // zod reports the allowed discriminator values in `options`, which its issue type does not declare.
  const { options } = issue as { options?: unknown };
  return { path, message: describeValue(param, value, Array.isArray(options) ? options : []) };
}

function describeValue(param: string, input: unknown, values: readonly unknown[]): string {
  const allowed = joinWords(
    values.map((value) => (typeof value === "string" ? `'${value}'` : JSON.stringify(value))),
    "and",
  );
  return `Invalid value for '${param}': ${showValue(input)}. Supported values are: ${allowed}.`;
}

function describeBound(
  param: string,
  origin: string,
  bound: number,
  inclusive: boolean,
  side: "min" | "max",
  input: unknown,
): string {
  if (origin === "array" && Array.isArray(input)) {
    if (side === "min" && input.length === 0)
      return `Invalid '${param}': empty array. Expected an array with minimum length ${bound}, but got an empty array instead.`;
    const what = side === "min" ? "array too short" : "array too long";
    return `Invalid '${param}': ${what}. Expected an array with ${side === "min" ? "minimum" : "maximum"} length ${bound}, but got an array with length ${input.length} instead.`;
  }
  if (origin === "string" && typeof input === "string") {
    const got = input === "" ? "an empty string" : `a string with length ${input.length}`;
    return `Invalid '${param}': string too ${side === "min" ? "short" : "long"}. Expected a string with ${side === "min" ? "minimum" : "maximum"} length ${bound}, but got ${got} instead.`;
  }
  const relation = side === "min" ? (inclusive ? ">=" : ">") : inclusive ? "<=" : "<";
  const where = side === "min" ? "below minimum value" : "above maximum value";
  return `Invalid '${param}': number ${where}. Expected a value ${relation} ${bound}, but got ${showValue(input)} instead.`;
}

/** A branch that failed because the value has another JSON type altogether (not because of its contents). */
function isRootShapeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === "invalid_type") return true;
  if (issue.code === "invalid_value") return typeof issue.input !== typeof issue.values[0];
  return false;
}

function expectedShape(issue: Issue): string {
  if (issue.code === "invalid_type") return typeWords(issue.expected);
  if (issue.code === "invalid_value") return typeWords(typeof issue.values[0]);
  return "another value";
}

function typeWords(expected: string): string {
  const words: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "a boolean",
    array: "an array",
    object: "an object",
    null: "null",
  };
  return words[expected] ?? expected;
}

/** The JSON type of a value, in the words of OpenAI's messages ("a string", "an array", "null"). */
export function jsonTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  return typeWords(typeof value);
}

function showValue(value: unknown): string {
  if (typeof value === "string") return `'${value.length > 60 ? `${value.slice(0, 60)}...` : value}'`;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return jsonTypeName(value);
}

function joinWords(words: readonly string[], conjunction: "and" | "or"): string {
  if (words.length <= 1) return words.join("");
  if (words.length === 2) return `${words[0]} ${conjunction} ${words[1]}`;
  return `${words.slice(0, -1).join(", ")}, ${conjunction} ${words.at(-1)}`;
}
