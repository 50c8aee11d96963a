import type { ReasoningEffort, ReasoningRequest } from "./chat.js";

/**
 * The one conversion between reasoning efforts (OpenAI, Anthropic's `output_config.effort`) and token budgets
 * (Anthropic's `budget_tokens`, Cohere's `token_budget`), so that a request means the same on every provider.
 * Each effort stands for this budget; 1024 is the smallest budget Anthropic accepts
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
 */
export const BUDGET_OF_EFFORT: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
  max: 65536,
};

const EFFORTS = Object.keys(BUDGET_OF_EFFORT) as ReasoningEffort[];

/** The largest effort whose budget fits in `budgetTokens` (at least `minimal`). */
export function effortOfBudget(budgetTokens: number): ReasoningEffort {
  let effort: ReasoningEffort = "minimal";
  for (const candidate of EFFORTS) if (BUDGET_OF_EFFORT[candidate] <= budgetTokens) effort = candidate;
  return effort;
}

/** The effort a request asks for: its own, else its budget's, else medium (most providers' default). */
export function effortOf(reasoning: ReasoningRequest): ReasoningEffort {
  if (reasoning.effort !== undefined) return reasoning.effort;
  return reasoning.budgetTokens === undefined ? "medium" : effortOfBudget(reasoning.budgetTokens);
}

/** The token budget a request asks for: its own, else its effort's, else medium's. */
export function budgetOf(reasoning: ReasoningRequest): number {
  return reasoning.budgetTokens ?? BUDGET_OF_EFFORT[reasoning.effort ?? "medium"];
}
