import type { CompletionsRequest, CompletionsResponse } from "./completions.js";
import { addUsage, type Usage } from "./usage.js";

/**
 * Several prompts in one completions request (OpenAI's batched form, which LangChain's `OpenAI.batch` sends) for
 * an upstream that takes one prompt per request: one request per prompt, and one answer merged from theirs.
 * Choices are numbered as OpenAI numbers them: prompt `p`'s `j`th choice has index `p * n + j`
 * (https://platform.openai.com/docs/api-reference/completions/object).
 */
export function splitPrompts(request: CompletionsRequest): CompletionsRequest[] {
  const prompts = typeof request.prompt === "string" ? [request.prompt] : request.prompt;
  return prompts.map((prompt) => ({ ...request, prompt }));
}

export function mergePromptAnswers(answers: CompletionsResponse[], n: number): CompletionsResponse {
  const [first] = answers;
  if (first === undefined) throw new Error("mergePromptAnswers needs at least one answer");
  return {
    id: first.id,
    model: first.model,
    created: first.created,
    choices: answers.flatMap((answer, prompt) =>
      answer.choices.map((choice) => ({ ...choice, index: prompt * n + choice.index })),
    ),
    usage: answers.map((answer) => answer.usage).reduce(addPromptUsage),
  };
}

/**
 * Sums two prompts' usage, with its breakdown (cache reads and writes, reasoning, audio, images, web searches:
 * each priced at its bucket's rate); a count one side did not report stays unknown (null), never a silent
 * undercount.
 */
function addPromptUsage(left: Usage, right: Usage): Usage {
  const known = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  return {
    ...addUsage(left, right),
    inputTokens: known(left.inputTokens, right.inputTokens),
    outputTokens: known(left.outputTokens, right.outputTokens),
    totalTokens: known(left.totalTokens, right.totalTokens),
  };
}
