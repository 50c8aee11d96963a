import { describe, expect, it } from "vitest";
import { createUsage } from "../canonical/index.js";
import { costOfCall } from "./call-account.js";
import { type CallRequest, GovernedCall, type PricedTarget } from "./governed-call.js";

/** A target whose input and output tokens cost `nanoPerToken` each. */
function target(label: string, nanoPerToken: number): PricedTarget {
  const perMillion = nanoPerToken * 1_000_000;
  return {
    label,
    upstream: { providerName: "test", model: label },
    price: {
      id: `test/${label}`,
      history: [{ sinceMs: 0, prices: { input: perMillion, output: perMillion } }],
    },
  };
}

const request: CallRequest = {
  api: "openai",
  principal: undefined,
  streaming: true,
  bodyBytes: () => 0,
  requestedModel: () => undefined,
  maxOutputTokens: () => undefined,
};

function callOn(first: PricedTarget): GovernedCall {
  const call = new GovernedCall(request);
  call.target = first;
  return call;
}

describe("the cost of a continued stream", () => {
  const primary = target("primary", 1);
  const fallback = target("fallback", 2);

  it("prices what the broken stream reported at its target and the rest at the continuing target's", () => {
    const call = callOn(primary);
    call.continuedOn = fallback;
    call.usageBeforeContinuation = createUsage(10, 3);
    // The spliced total: the broken start's 10 + 3, the continuation's 20 (prefill included) + 7.
    const cost = costOfCall(call, createUsage(30, 10));
    expect(cost).toMatchObject({ priced: true, nano: 13 * 1 + 27 * 2, priceId: "test/fallback" });
    expect(cost.priced && cost.breakdown).toMatchObject({ input: 10 + 40, output: 3 + 14 });
  });

  it("prices it all at the continuing target when the broken stream reported nothing (its text is the prefill)", () => {
    const call = callOn(primary);
    call.continuedOn = fallback;
    expect(costOfCall(call, createUsage(20, 7))).toMatchObject({ priced: true, nano: 27 * 2 });
  });

  it("is unpriced when either part is", () => {
    const call = callOn(primary);
    call.continuedOn = { ...fallback, price: undefined };
    call.usageBeforeContinuation = createUsage(10, 3);
    expect(costOfCall(call, createUsage(30, 10))).toEqual({ priced: false, reason: "no_price_entry" });
  });

  it("prices a stream that was not continued at the target that served", () => {
    expect(costOfCall(callOn(fallback), createUsage(30, 10))).toMatchObject({ priced: true, nano: 80 });
  });
});
