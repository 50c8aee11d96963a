import { parseArgs } from "node:util";
import { ROUND_ONE_END } from "./baseline-build.js";
import type { Settings } from "./measure-phases.js";

/** Command-line options of `npm run bench` and `npm run bench:soak`. */

export interface BenchOptions {
  settings: Omit<Settings, "workers">;
  workers: number | undefined;
  portkey: boolean;
  /** Scenario ids to run (the baselines they need are added); all when empty. */
  only: string[];
  out: string | undefined;
  /** Another Switchyard checkout (built) to measure instead of this one, e.g. the commit before a change. */
  switchyardDir: string | undefined;
  /** Longest wait for a quiet machine before measuring, in seconds (0: measure at once). */
  waitQuietS: number;
  /** Profile Switchyard's workers (node --cpu-prof) and print where their CPU time went. */
  profile: boolean;
  /** The commit whose build the old paths are compared with at the end (bench:compare), or undefined: none. */
  compare: string | undefined;
}

export interface SoakOptions {
  minutes: number;
  sampleSeconds: number;
  connections: number;
  workers: number | undefined;
  out: string | undefined;
  switchyardDir: string | undefined;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number (got '${text}')`);
  return value;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      duration: { type: "string" },
      workers: { type: "string" },
      "no-portkey": { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string" },
      switchyard: { type: "string" },
      "wait-quiet": { type: "string" },
      profile: { type: "boolean", default: false },
      compare: { type: "string" },
      "no-compare": { type: "boolean", default: false },
    },
  });
  const quick = values.quick === true;
  // A full run ends with the old paths against the first round; a quick one, or one measuring another checkout
  // (whose baseline would be its own), only when asked.
  const compare =
    values["no-compare"] === true
      ? undefined
      : (values.compare ?? (quick || values.switchyard !== undefined ? undefined : ROUND_ONE_END));
  return {
    settings: {
      quick,
      rounds: positive("rounds", values.rounds, quick ? 1 : 5),
      latencyWarmupRequests: quick ? 50 : 1_000,
      latencyDurationMs: quick ? 250 : 2_000,
      connections: [32, 64],
      throughputDurationS: positive("duration", values.duration, quick ? 0.5 : 3),
      throughputWarmupS: quick ? 0.3 : 2,
      ttftStreams: quick ? 3 : 12,
      concurrentLevels: [512, 1024, 2048, 4096],
      stallGapMs: 250,
      sustained: {
        stepS: quick ? 1 : 5,
        startRate: 250,
        maxRate: 64_000,
        refinements: quick ? 1 : 3,
        resolution: 0.05,
      },
    },
    workers: values.workers === undefined ? undefined : positive("workers", values.workers, 1),
    portkey: values["no-portkey"] !== true,
    only: values.only === undefined ? [] : values.only.split(",").map((id) => id.trim()),
    out: values.out,
    switchyardDir: values.switchyard,
    waitQuietS: values["wait-quiet"] === undefined ? 0 : positive("wait-quiet", values["wait-quiet"], 0),
    profile: values.profile === true,
    compare,
  };
}

export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: "string" },
      "sample-seconds": { type: "string" },
      connections: { type: "string" },
      workers: { type: "string" },
      out: { type: "string" },
      switchyard: { type: "string" },
    },
  });
  return {
    minutes: positive("minutes", values.minutes, 5),
    sampleSeconds: positive("sample-seconds", values["sample-seconds"], 5),
    connections: positive("connections", values.connections, 32),
    workers: values.workers === undefined ? undefined : positive("workers", values.workers, 1),
    out: values.out,
    switchyardDir: values.switchyard,
  };
}
