import {
  type CompletionsRequest,
  type CompletionsResponse,
  GatewayError,
  mergePromptAnswers,
  type Operation,
  splitPrompts,
} from "../canonical/index.js";
import type { RequestOf, ResponseOf } from "../providers/upstream-target.js";
import type { RouteTarget } from "./route-table.js";

/** Whether a request carries several prompts that this target cannot take in one call. */
export function needsPromptFanOut<O extends Operation>(
  target: RouteTarget,
  operation: O,
  request: RequestOf<O>,
): boolean {
  if (operation !== "completions") return false;
  const { prompt } = request as CompletionsRequest;
  if (typeof prompt === "string" || prompt.length <= 1) return false;
  const upstream = target.upstream;
  return upstream.transport !== "http" || upstream.operations.completions?.acceptsPromptLists !== true;
}

/**
 * Serves several prompts on an upstream that takes one per call: the calls run concurrently and their answers
 * merge into one, choices numbered as OpenAI numbers them. One failed call fails the attempt (which the route may
 * retry whole): a partial answer would silently lack choices.
 */
export async function fanOutPrompts<O extends Operation>(
  request: RequestOf<O>,
  callOne: (single: RequestOf<O>) => Promise<ResponseOf<O>>,
): Promise<ResponseOf<O>> {
  const completions = request as CompletionsRequest;
  const answers = await Promise.all(
    splitPrompts(completions).map(
      (single) => callOne(single as RequestOf<O>) as Promise<CompletionsResponse>,
    ),
  );
  return mergePromptAnswers(answers, completions.n ?? 1) as ResponseOf<O>;
}

/** Several prompts cannot be streamed through a target that takes one per call. */
export function promptListStreamError(target: RouteTarget, count: number): GatewayError {
  return new GatewayError(
    "parameter_unsupported",
    `${target.upstream.providerDisplayName} takes one prompt per request, and ${count} prompts cannot be streamed as one answer; send them without 'stream', or one request per prompt.`,
    { param: "prompt" },
  );
}
