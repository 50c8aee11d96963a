import { subtractUsage, type Usage } from "../canonical/index.js";
import type { Account, GovernedCall, PricedTarget } from "./governed-call.js";
import { addCosts, type Cost, costOf } from "./prices/cost.js";

/**
 * What `usage` costs this call: at the price of the target that served, else the one its budgets reserved at.
 * A continued stream's total is priced in two parts, each at its own target's price: what the broken stream had
 * reported, and the rest (the continuation's own usage, its prefill as input).
 */
export function costOfCall(call: GovernedCall, usage: Usage): Cost {
  const continuedOn = call.continuedOn;
  if (continuedOn === undefined) return costAt(call, call.target, usage);
  const before = call.usageBeforeContinuation;
  if (before === undefined) return costAt(call, continuedOn, usage);
  return addCosts(costAt(call, call.target, before), costAt(call, continuedOn, subtractUsage(usage, before)));
}

/** What `usage` costs at `target`'s price (else the one the call's budgets reserved at): one attempt's cost. */
export function costAt(call: GovernedCall, target: PricedTarget | undefined, usage: Usage): Cost {
  return costOf(target?.price ?? call.reservation?.price, usage, call.startedAtMs);
}

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
  if (reported !== undefined && (reported.inputTokens !== null || reported.outputTokens !== null)) {
    const tokens = (reported.inputTokens ?? 0) + (reported.outputTokens ?? 0);
    return { usage: reported, source: "provider", cost: costOfCall(call, reported), tokens };
  }
  const metered = call.meteredOutputTokens;
  if (failed && metered === 0) {
    const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    return { usage, source: "none", cost: costOfCall(call, usage), tokens: 0 };
  }
  const input = call.reservation?.inputTokens ?? Math.ceil(call.request.bodyBytes() / 4);
  const output =
    call.request.streaming || metered > 0 ? metered : (call.reservation?.outputTokens ?? metered);
  const usage = { inputTokens: input, outputTokens: output, totalTokens: input + output };
  return { usage, source: "estimated", cost: costOfCall(call, usage), tokens: input + output };
}
