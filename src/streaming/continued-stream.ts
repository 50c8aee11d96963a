import {
  addUsage,
  type GatewayError,
  type StreamContinuation,
  type StreamEvent,
  type Usage,
} from "../canonical/index.js";

/** A continuation of a broken stream on another target: its canonical events, and what to report. */
export interface OpenedContinuation {
  events: AsyncIterable<StreamEvent>;
  continuation: StreamContinuation;
}

/**
 * Opens the continuation of a partial answer (`prefill`: the text the client already has) after `failure`
 * broke the stream; undefined when no target can continue it (the stream then ends with the failure).
 */
export type ContinuationSource = (
  prefill: string,
  failure: GatewayError,
) => Promise<OpenedContinuation | undefined>;

/** Where the broken stream's answer stood: the text of choice 0 and its text block. */
export interface AnswerSoFar {
  text: string;
  /** The canonical index of choice 0's text block, and whether it is still open. */
  block: number;
  blockOpen: boolean;
  /** Usage the broken stream reported before it broke (rarely any). */
  usage: Usage | undefined;
}

/**
 * The continuation's events as the rest of the broken stream: a `continued` event first (the client's encoder
 * reports it in the last chunk), then the continuation's text in choice 0's text block, its finish and its
 * usage plus whatever the broken stream had reported (the prefill is billed as the continuation's input). Its
 * own start (message_start, the opening of a text block already open) is dropped: the client's stream started
 * long ago. The prefill went without trailing whitespace (Anthropic refuses it), so the continuation's leading
 * whitespace is dropped when the client already has some.
 */
export async function* spliceContinuation(
  opened: OpenedContinuation,
  answer: AnswerSoFar,
): AsyncGenerator<StreamEvent> {
  yield { type: "continued", continuation: opened.continuation };
  let blockOpen = answer.blockOpen;
  let trimLeading = /\s$/.test(answer.text);
  /** Continuation block indexes moved past the broken stream's, so that a new block gets a new index. */
  const shift = answer.block + 1;
  for await (const event of opened.events) {
    switch (event.type) {
      case "message_start":
      case "continued":
        continue;
      case "block_start":
        if (event.block.kind === "text") {
          if (blockOpen) continue;
          blockOpen = true;
          yield { ...event, choice: 0, index: answer.block };
        } else yield { ...event, choice: 0, index: event.index + shift };
        continue;
      case "text_delta": {
        let text = event.text;
        if (trimLeading) {
          text = text.replace(/^\s+/, "");
          if (text === "") continue;
          trimLeading = false;
        }
        if (!blockOpen) {
          blockOpen = true;
          yield { type: "block_start", choice: 0, index: answer.block, block: { kind: "text" } };
        }
        yield { type: "text_delta", choice: 0, index: answer.block, text };
        continue;
      }
      case "block_stop":
        if (blockOpen) {
          blockOpen = false;
          yield { type: "block_stop", choice: 0, index: answer.block };
        }
        continue;
      case "tool_arguments_delta":
        yield { ...event, choice: 0, index: event.index + shift };
        continue;
      case "finish":
        yield { ...event, choice: 0 };
        continue;
      case "usage":
        yield {
          type: "usage",
          usage: answer.usage === undefined ? event.usage : addUsage(answer.usage, event.usage),
        };
        continue;
      case "error":
        yield event;
        return;
    }
  }
}

/** The prefill sent to the continuing target: the answer so far, without trailing whitespace. */
export function prefillOf(text: string): string {
  return text.replace(/\s+$/, "");
}

/**
 * Wraps a committed stream so that a break (an error event before choice 0 finished) is repaired by a
 * continuation from `source`, when the answer so far is plain text in one choice; otherwise, or when no target
 * can continue, the error event ends the stream as before. `onContinued` is told of a continuation, with the
 * usage the broken stream had reported (the part of the spliced total that is the broken stream's).
 */
export async function* withContinuation(
  events: AsyncIterable<StreamEvent>,
  source: ContinuationSource,
  canContinue: (error: GatewayError) => boolean,
  onContinued: (
    opened: OpenedContinuation,
    failure: GatewayError,
    usageSoFar: Usage | undefined,
  ) => void = () => {},
): AsyncGenerator<StreamEvent> {
  const answer: AnswerSoFar = { text: "", block: 0, blockOpen: false, usage: undefined };
  let continuable = true;
  let finished = false;
  for await (const event of events) {
    if (event.type === "error") {
      if (continuable && !finished && canContinue(event.error)) {
        const opened = await source(answer.text, event.error);
        if (opened !== undefined) {
          onContinued(opened, event.error, answer.usage);
          yield* spliceContinuation(opened, answer);
          return;
        }
      }
      yield event;
      return;
    }
    switch (event.type) {
      case "block_start":
        if (event.choice !== 0 || event.block.kind !== "text") continuable = false;
        else {
          answer.block = event.index;
          answer.blockOpen = true;
        }
        break;
      case "text_delta":
        if (event.choice !== 0) continuable = false;
        else answer.text += event.text;
        break;
      case "block_stop":
        if (event.choice === 0 && event.index === answer.block) answer.blockOpen = false;
        break;
      case "tool_arguments_delta":
        continuable = false;
        break;
      case "finish":
        finished = true;
        break;
      case "usage":
        answer.usage = event.usage;
        break;
      default:
        break;
    }
    yield event;
  }
}
