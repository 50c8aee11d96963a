/** The coordination protocol on the cluster's IPC channel (see `coordination/coordinator.ts`). */

/** Worker -> primary. */
export type CoordinationRequest =
  | { type: "coord-call"; id: number; service: string; payload: unknown }
  | { type: "coord-publish"; topic: string; payload: unknown };

/** Primary -> worker. */
export type CoordinationReply =
  | { type: "coord-answer"; id: number; ok: true; value: unknown }
  | { type: "coord-answer"; id: number; ok: false; message: string; reason: string }
  | { type: "coord-event"; topic: string; payload: unknown };

const REQUEST_TYPES = new Set(["coord-call", "coord-publish"]);
const REPLY_TYPES = new Set(["coord-answer", "coord-event"]);

const typeOf = (value: unknown): unknown =>
  typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;

export function isCoordinationRequest(value: unknown): value is CoordinationRequest {
  return REQUEST_TYPES.has(typeOf(value) as string);
}

export function isCoordinationReply(value: unknown): value is CoordinationReply {
  return REPLY_TYPES.has(typeOf(value) as string);
}
