import type { GatewayError } from "../canonical/index.js";
import { exhaustedError } from "./denial.js";
import type { GovernedCall } from "./governed-call.js";
import type { LimitSpec } from "./limits/limit-spec.js";

/**
 * Metering a running stream: once its output passes what the reservation covers, the reservation is topped
 * up, a step of `meterEveryTokens` at a time, all or nothing over the token limits and budgets. When a
 * top-up is refused the route's policy decides: `finish` lets the stream end (the overage is charged at
 * settle, as debt), `cut` ends it now with an error in the client's dialect (the caller writes it and aborts
 * the upstream).
 */
export interface StreamMetering {
  policy: "finish" | "cut";
  stepTokens: number;
  topUp(extraTokens: number): Promise<{ ok: true } | { ok: false; spec: LimitSpec }>;
}

/** Whether the stream has used more output than it reserved (cheap: checked after every write). */
export function needsTopUp(call: GovernedCall): boolean {
  const reservation = call.reservation;
  return (
    call.metering !== undefined &&
    reservation !== undefined &&
    call.meteredOutputTokens > reservation.outputTokens
  );
}

/** Tops the reservation up to cover what was metered; the error to end the stream with, under `cut`. */
export async function topUpStream(call: GovernedCall): Promise<GatewayError | undefined> {
  const metering = call.metering;
  const reservation = call.reservation;
  while (metering !== undefined && reservation !== undefined && needsTopUp(call)) {
    const missing = call.meteredOutputTokens - reservation.outputTokens;
    const result = await metering.topUp(Math.max(missing, metering.stepTokens));
    if (result.ok) continue;
    // Either way, no more top-ups: the stream is over its reservation for good.
    call.metering = undefined;
    if (metering.policy === "cut") {
      call.cutByBudget = true;
      return exhaustedError(result.spec);
    }
    call.overdrawn = true;
  }
  return undefined;
}
