import type { Usage } from "../canonical/index.js";
import type { LimitLabel, LimitSpec, LimitState } from "./limits/limit-spec.js";
import type { Cost } from "./prices/cost.js";
import type { PriceEntry } from "./prices/price-entry.js";
import type { Principal } from "./principal.js";
import type { StreamMetering } from "./stream-meter.js";

/** What the ingress knows of a request before it is served; read lazily, only when a limit needs it. */
export interface CallRequest {
  /** The API it came in through (`openai`, `mlflow`, `deployments`, ...). */
  api: string;
  /** The authenticated caller, when gateway keys are on. */
  principal: Principal | undefined;
  streaming: boolean;
  /** The request body's size in bytes: the input estimate. */
  bodyBytes(): number;
  /** The model the body names (OpenAI and Anthropic bodies; MLflow's name the route in the path instead). */
  requestedModel(): string | undefined;
  /** The output cap the request sets (`max_tokens`, `max_completion_tokens`, `max_output_tokens`). */
  maxOutputTokens(): number | undefined;
  /**
   * The service tier the body asks for (`service_tier`: OpenAI's and Anthropic's), for the usage log; absent in
   * calls made without a body.
   */
  requestedServiceTier?(): string | undefined;
}

/** A target as accounting sees it: who served, and at what price. */
export interface PricedTarget {
  label: string;
  upstream: { providerName: string; model: string };
  price: PriceEntry | undefined;
}

/** What one admission holds for the request until it is settled. */
export interface Reservation {
  id: string;
  specs: LimitSpec[];
  states: LimitState[];
  /** Tokens and nano-USD reserved so far (estimate plus top-ups). */
  tokens: number;
  costNano: number;
  /** The output tokens the reservation covers; a stream past it tops up. */
  outputTokens: number;
  inputTokens: number;
  /** The price the estimate used (a pricier fallback target tops up the difference). */
  price: PriceEntry | undefined;
  /** Settled once: a second settle (an error after the answer was sent) books nothing. */
  settled: boolean;
}

/** A request without tags: one frozen list shared by all of them, so that no request allocates one. */
export const NO_TAGS: readonly string[] = Object.freeze([]);

/** How a request's usage is known: reported by the provider, or estimated by the gateway. */
export type UsageSource = "provider" | "estimated" | "none";

/** The request's final account: usage, where it came from, and its cost. */
export interface Account {
  usage: Usage;
  source: UsageSource;
  cost: Cost;
  tokens: number;
}

/**
 * One logical request as governance sees it, from admission to settle: one reservation across all its
 * attempts, the usage its ingress reports (`usage`), what a running stream has metered, and the final account.
 * The ingress creates it with the request (api/request-observation.ts) and passes it to routing, which admits
 * and settles it; every ingress gets the same governance without code of its own.
 */
export class GovernedCall {
  readonly startedAtMs = Date.now();
  readonly startedAtPerf = performance.now();
  /** Who the request is for, beyond the key: the end user the client named (header or body), if any. */
  endUser: string | null = null;
  /** The client's labels for the request (`x-switchyard-tags`), in the order given. */
  tags: readonly string[] = NO_TAGS;
  /**
   * Milliseconds the request waited for the governance store before its first attempt: an admission that the
   * worker could not decide itself (a round trip to the limits ledger or Redis). 0 when decided at once.
   */
  queueMs = 0;
  /** The last usage the ingress learnt (a whole answer's, or a stream's final usage). */
  usage: Usage | undefined = undefined;
  /** The target that served (the last attempt's). */
  target: PricedTarget | undefined = undefined;
  /**
   * A stream that broke and was continued: the target that continued it, and the usage the broken stream had
   * reported by then (its part of the total, priced at `target`; the rest is priced at `continuedOn`).
   */
  continuedOn: PricedTarget | undefined = undefined;
  usageBeforeContinuation: Usage | undefined = undefined;
  reservation: Reservation | undefined = undefined;
  /** Output metered while a stream runs: text characters, and chunks of a relayed stream. */
  meteredChars = 0;
  meteredChunks = 0;
  /** How a running stream tops its reservation up; set at admission when something limits its output. */
  metering: StreamMetering | undefined = undefined;
  /**
   * Called before each attempt on a target, when targets differ in price and a budget applies: reserves what a
   * pricier target may cost more, or throws the 429 without calling it.
   */
  retarget: ((target: PricedTarget) => Promise<void>) | undefined = undefined;
  /** Set when a stream was ended because its budget or token limit ran out (`cut` policy). */
  cutByBudget = false;
  /** The limit that ran out mid-stream, under the `finish` policy (overage charged). */
  overdrawn = false;
  /** Budget alerts, denials and the degraded mode, for the usage log. */
  decision: "admitted" | "denied" | "unlimited" | "degraded" = "unlimited";
  degradedMode: string | undefined = undefined;
  /** The price table's version the request was priced with (stamped on its usage record). */
  priceVersion: string | undefined = undefined;
  /** The limit that refused the request, when one did. */
  deniedBy: LimitLabel | undefined = undefined;
  deniedKind: LimitSpec["kind"] | undefined = undefined;
  private account: Account | undefined = undefined;

  constructor(readonly request: CallRequest) {}

  /** Output tokens metered so far: about 4 characters a token, and at least one per relayed chunk. */
  get meteredOutputTokens(): number {
    return Math.max(Math.ceil(this.meteredChars / 4), this.meteredChunks);
  }

  /** The final account, computed once (by settle or by the usage log, whichever comes first). */
  finalAccount(compute: () => Account): Account {
    this.account ??= compute();
    return this.account;
  }

  get accounted(): Account | undefined {
    return this.account;
  }
}
