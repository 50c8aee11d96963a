import type { Account, GovernedCall } from "./governed-call.js";
import { costOf } from "./prices/cost.js";

/**
 * The request's usage and cost: the provider's figures when it reported them; otherwise an estimate (the
 * reserved input and the metered output of a stream, or the output cap of a whole answer), marked as such.
 * A request that failed without any output cost nothing.
 */
export function accountRequest(call: GovernedCall, failed: boolean): Account {
  return call.finalAccount(() => accountOf(call, failed));
}

function accountOf(call: GovernedCall, failed: boolean): Account {
  const reported = call.usage;
  const atMs = call.startedAtMs;
  const price = call.target?.price ?? call.reservation?.price;
  if (reported !== undefined && (reported.inputTokens !== null || reported.outputTokens !== null)) {
    const tokens = (reported.inputTokens ?? 0) + (reported.outputTokens ?? 0);
    return { usage: reported, source: "provider", cost: costOf(price, reported, atMs), tokens };
  }
  const metered = call.meteredOutputTokens;
  if (failed && metered === 0) {
    const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    return { usage, source: "none", cost: costOf(price, usage, atMs), tokens: 0 };
  }
  const input = call.reservation?.inputTokens ?? Math.ceil(call.request.bodyBytes() / 4);
  const output =
    call.request.streaming || metered > 0 ? metered : (call.reservation?.outputTokens ?? metered);
  const usage = { inputTokens: input, outputTokens: output, totalTokens: input + output };
  return { usage, source: "estimated", cost: costOf(price, usage, atMs), tokens: input + output };
}
