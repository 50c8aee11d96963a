import type { Usage } from "../../canonical/index.js";
import { costAt } from "../call-account.js";
import type { Account, GovernedCall, PricedTarget } from "../governed-call.js";
import type { FinishedRequest } from "./usage-record.js";

/** One attempt as the record lists it: a failed one (with its `error_kind`), or one that answered. */
export interface AttemptEntry {
  provider: string;
  target: string;
  model: string;
  /** The upstream's HTTP status, or the status the gateway answers for the failure (504 for a timeout). */
  status: number;
  error_kind?: string;
  /** The tokens this attempt's upstream reported; null when it reported none (a failure before any byte). */
  usage: AttemptUsage | null;
  /** That usage priced at the attempt's own target; null without usage or price. */
  cost_nano_usd: number | null;
}

export interface AttemptUsage {
  input_tokens: number;
  output_tokens: number;
}

/**
 * A stream that broke after it reached the client, and was continued on another target: the failure that broke
 * it, its status and code. The usage it had reported by then is the call's `usageBeforeContinuation`.
 */
export interface BrokenStream {
  status: number;
  errorKind: string;
}

/** A target asked to continue a broken stream (mid-stream continuation). */
export interface ContinuationAttempt {
  target: PricedTarget;
  /** Its failure, when it could not continue the stream. */
  failure?: { status: number; errorKind: string };
  /** The usage its stream reported, once it did. */
  usage: Usage | undefined;
}

/**
 * Every attempt, in order: the failed ones, then the one that served, then those asked to continue its stream
 * when it broke. A request that failed ends with its last failed attempt; one that never reached a target
 * (refused by a limit, say) has none. Each has the usage its upstream reported and what that cost at its
 * target: the one that served alone has the request's (reported) usage and cost; a broken stream's attempts
 * split the request's usage between them.
 */
export function attemptsOf(
  request: FinishedRequest,
  call: GovernedCall,
  account: Account | undefined,
): AttemptEntry[] {
  const failed = request.failedAttempts ?? [];
  const continued = request.continuationAttempts;
  if (request.target === undefined || request.attempts <= failed.length) return [...failed];
  const broken = request.brokenStream;
  let served: AttemptEntry;
  if (broken === undefined) {
    // The whole answer is this attempt's: the request's usage and cost, when its upstream reported them.
    const reported = account?.source === "provider" ? account : undefined;
    served = {
      provider: request.provider,
      target: request.target,
      model: request.model,
      status: request.status,
      usage: reported === undefined ? null : attemptUsage(reported.usage),
      cost_nano_usd: reported?.cost.priced === true ? reported.cost.nano : null,
    };
  } else {
    const { usage, cost_nano_usd } = usageAndCost(call.usageBeforeContinuation, call, call.target);
    served = {
      provider: request.provider,
      target: request.target,
      model: request.model,
      status: broken.status,
      error_kind: broken.errorKind,
      usage,
      cost_nano_usd,
    };
  }
  const attempts = failed.length === 0 ? [served] : [...failed, served];
  for (const attempt of continued ?? []) attempts.push(continuationEntry(attempt, request, call));
  return attempts;
}

function continuationEntry(
  attempt: ContinuationAttempt,
  request: FinishedRequest,
  call: GovernedCall,
): AttemptEntry {
  const { target, failure } = attempt;
  const head = {
    provider: target.upstream.providerName,
    target: target.label,
    model: target.upstream.model,
    status: failure?.status ?? request.status,
  };
  if (failure !== undefined)
    return { ...head, error_kind: failure.errorKind, usage: null, cost_nano_usd: null };
  return { ...head, ...usageAndCost(attempt.usage, call, target) };
}

function usageAndCost(
  usage: Usage | undefined,
  call: GovernedCall,
  target: PricedTarget | undefined,
): Pick<AttemptEntry, "usage" | "cost_nano_usd"> {
  const counts = usage === undefined ? null : attemptUsage(usage);
  if (usage === undefined || counts === null) return { usage: null, cost_nano_usd: null };
  const cost = costAt(call, target, usage);
  return { usage: counts, cost_nano_usd: cost.priced ? cost.nano : null };
}

/** The counts an attempt reported; null when it reported neither. */
function attemptUsage(usage: Usage): AttemptUsage | null {
  if (usage.inputTokens === null && usage.outputTokens === null) return null;
  return { input_tokens: usage.inputTokens ?? 0, output_tokens: usage.outputTokens ?? 0 };
}
