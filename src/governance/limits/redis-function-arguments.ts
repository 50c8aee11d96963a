import { governanceKey } from "../store/redis-connection.js";
import type { LimitSpec } from "./limit-spec.js";

/**
 * The parts of the limit functions' KEYS and ARGV that belong to one spec (see redis-functions.ts). A spec is
 * built once per limit plan (and per budget window), never per request, so its key and its encoded parameters
 * are computed once and kept with it: per request only the request's own values are written.
 */
export class RedisFunctionArguments {
  private readonly keys = new WeakMap<LimitSpec, string>();
  private readonly encoded = new WeakMap<LimitSpec, readonly string[]>();

  constructor(private readonly hashTag: string) {}

  tagged(key: string): string {
    return governanceKey(this.hashTag, key);
  }

  keyOf(spec: LimitSpec): string {
    let key = this.keys.get(spec);
    if (key === undefined) {
      key = this.tagged(spec.key);
      this.keys.set(spec, key);
    }
    return key;
  }

  /** The specs' keys after `fixed`, in the specs' order. */
  keysOf(fixed: string[], specs: readonly LimitSpec[]): string[] {
    for (const spec of specs) fixed.push(this.keyOf(spec));
    return fixed;
  }

  /** Appends the specs' parameters to `args`, in the specs' order. */
  appendSpecs(args: string[], specs: readonly LimitSpec[]): string[] {
    for (const spec of specs) {
      let encoded = this.encoded.get(spec);
      if (encoded === undefined) {
        encoded = encodeSpec(spec);
        this.encoded.set(spec, encoded);
      }
      for (const part of encoded) args.push(part);
    }
    return args;
  }
}

/** One spec as function arguments (see redis-functions.ts). */
export function encodeSpec(spec: LimitSpec): string[] {
  if (spec.kind === "rate") {
    return [
      "r",
      spec.unit === "requests" ? "q" : "t",
      String(spec.limit),
      String(spec.windowMs),
      String(spec.burst),
    ];
  }
  if (spec.kind === "concurrency") return ["c", String(spec.max)];
  return [
    "b",
    String(spec.amountNano),
    spec.action,
    String(spec.boundaries.length),
    ...spec.boundaries.map(String),
    String(spec.alertAt.length),
    ...spec.alertAt.map(String),
  ];
}
