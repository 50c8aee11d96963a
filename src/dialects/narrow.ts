import { GatewayError } from "../canonical/index.js";

/**
 * Tolerant readers for upstream JSON: unknown fields are ignored, missing optional ones read as undefined, and a
 * missing required one is an upstream_invalid_response error that names it.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function requireRecord(value: unknown, what: string): JsonRecord {
  if (isRecord(value)) return value;
  // A missing field and a field of the wrong type call for different fixes, so the message tells them apart.
  throw invalidUpstreamResponse(`${what} ${value === undefined ? "is missing" : "is not a JSON object"}`);
}

export function requireArray(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw invalidUpstreamResponse(`${what} is missing or not a list`);
}

export function invalidUpstreamResponse(problem: string): GatewayError {
  return new GatewayError(
    "upstream_invalid_response",
    `The upstream returned a response the gateway cannot read: ${problem}.`,
  );
}

/** Unix seconds now, for dialects whose responses carry no creation time. */
export function unixSecondsNow(): number {
  return Math.floor(Date.now() / 1000);
}
