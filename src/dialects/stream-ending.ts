import type { FinishReason, StreamContinuation, StreamEvent, Usage } from "../canonical/index.js";

/** The canonical events that say how a stream ends rather than what it writes. */
export type EndingEvent = Extract<StreamEvent, { type: "finish" | "usage" | "continued" }>;

/**
 * What the last event of a one-candidate stream reports (Messages' `message_delta`, the Responses
 * `response.completed`), gathered as the events pass: choice 0's finish reason, the usage and cost, and how the
 * stream was continued if it was.
 */
export class StreamEnding {
  finishReason: FinishReason = null;
  usage: Usage | undefined;
  /** The call's cost (USD decimal string) when priced. */
  cost: string | undefined;
  continuation: StreamContinuation | undefined;

  note(event: EndingEvent): void {
    if (event.type === "finish") {
      if (event.choice === 0) this.finishReason = event.reason;
    } else if (event.type === "usage") {
      this.usage = event.usage;
      this.cost = event.cost;
    } else this.continuation = event.continuation;
  }
}
