import { runOpenLoop } from "./open-loop-load.js";
import {
  FIELD_CRITERIA,
  nextRate,
  type RateStep,
  type SearchPlan,
  stepPassed,
  sustainedRate,
} from "./rate-search.js";
import type { HttpCall } from "./scenarios.js";

/**
 * Sustained throughput against the 20 ms upstream: open-loop steps at rising rates (rate-search.ts decides
 * them) until the highest rate with p99 < 1 s and < 0.1% errors is bracketed.
 */
export interface SustainedStep extends RateStep {
  p50Ms: number;
  generatorCores: number;
  /** The server's CPU µs per answered request during the step. */
  cpuUsPerRequest: number;
}

export interface SustainedResult {
  /** Requests per second: the highest step that passed, 0 if none did. */
  rate: number;
  steps: SustainedStep[];
  /** Whether the load generator used most of its core at the highest step that passed or the first failure. */
  generatorBound: boolean;
}

/** Above this share of its core the generator may be what failed a step, not the server. */
const GENERATOR_BOUND_CORES = 0.85;

export async function searchSustainedRate(
  origin: string,
  call: HttpCall,
  plan: SearchPlan & { stepS: number },
  serverCpuMs: () => number,
): Promise<SustainedResult> {
  const steps: SustainedStep[] = [];
  const runStep = async (rate: number): Promise<SustainedStep> => {
    const cpuBefore = serverCpuMs();
    const result = await runOpenLoop(origin, call, { rate, durationS: plan.stepS });
    const cpuMs = serverCpuMs() - cpuBefore;
    const answered = result.achieved * plan.stepS;
    return {
      rate,
      achieved: result.achieved,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      requests: result.requests,
      errors: result.errors,
      generatorCores: result.generatorCores,
      cpuUsPerRequest: answered > 0 ? (cpuMs * 1000) / answered : Number.NaN,
    };
  };
  for (
    let rate = nextRate(steps, plan, FIELD_CRITERIA);
    rate !== undefined;
    rate = nextRate(steps, plan, FIELD_CRITERIA)
  ) {
    let step = await runStep(rate);
    // A failed step is run once more before it counts: on a shared machine one neighbour's burst can push a
    // short step's p99 past the bound, and a failure ends the doubling.
    if (!stepPassed(step, FIELD_CRITERIA)) step = await runStep(rate);
    steps.push(step);
  }
  const best = sustainedRate(steps, FIELD_CRITERIA);
  const decisive = steps
    .filter((step) => step.rate >= best)
    .sort((a, b) => a.rate - b.rate)
    .slice(0, 2);
  return {
    rate: best,
    steps,
    generatorBound: decisive.some((step) => step.generatorCores >= GENERATOR_BOUND_CORES),
  };
}
