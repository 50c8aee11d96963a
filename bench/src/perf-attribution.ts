/**
 * Where a gateway's CPU goes, from Linux `perf` samples with call stacks (`perf script -F ip,sym`): each sample is
 * charged to the innermost frame of the project's own code (`dist/`), the function of Switchyard on whose behalf
 * the time was spent, whatever it called (Node, V8, a package, the kernel); samples with no such frame go to the
 * innermost package frame, else to their leaf. A sample whose leaf is in the kernel is kept apart (`[kernel]`): a
 * system call's time depends on who else is running (waking a sleeping reader costs more than a busy one), which
 * code changes do not control.
 *
 * Unlike V8's CPU profile (bench:profile), perf sees the kernel, the garbage collector's threads and native code,
 * and a JIT-ed function keeps its name when V8 moves or replaces its code (with `node --perf-prof` and
 * `perf inject --jit`).
 */

/** µs per request, by what the time was spent for. */
export type Attribution = Map<string, number>;

const KERNEL_ADDRESS = /^ffff[0-9a-f]{12}$/;

/**
 * Names the same function the same way in every build: no build directory, no line and column (an anonymous
 * function keeps its line: nothing else tells it apart), one spelling of V8's builtins.
 */
export function frameKey(frame: string): string {
  const named = frame
    .replace(/^JS:[*^~]?/, "")
    .replace(/^Builtin:/, "Builtins_")
    .replace(/(file:\/\/)?\/\S*?\/(dist|node_modules)\//, "$2/")
    .trim();
  return named.startsWith("dist/") || named.startsWith("node_modules/")
    ? named.replace(/:\d+$/, "")
    : named.replace(/:\d+:\d+$/, "");
}

function chargeOf(frames: { address: string; symbol: string }[]): string {
  const own = frames.find((frame) => frame.symbol.includes("/dist/"));
  const kernel = KERNEL_ADDRESS.test(frames[0]?.address ?? "") ? " [kernel]" : "";
  if (own !== undefined) return frameKey(own.symbol) + kernel;
  const inPackage = frames.find((frame) => frame.symbol.includes("/node_modules/"));
  if (inPackage !== undefined) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(inPackage.symbol)?.[1] ?? "?";
    return `package ${name}${kernel}`;
  }
  const leaf = frameKey(frames[0]?.symbol ?? "?");
  return kernel === "" ? `(no JS frame) ${leaf}` : "(kernel, no JS frame)";
}

/**
 * Attributes the samples of `perf script -F ip,sym` output (one stack per paragraph, leaf first) over `requests`
 * answered requests, sampled at `frequencyHz`.
 */
export function attributeSamples(script: string, requests: number, frequencyHz: number): Attribution {
  const microsPerSample = 1e6 / frequencyHz / requests;
  const attribution: Attribution = new Map();
  for (const stack of script.split(/\n\s*\n/)) {
    const frames = stack
      .split("\n")
      .map((line) => /^\s*([0-9a-f]+)\s+(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ address: match[1] as string, symbol: (match[2] as string).trim() }));
    if (frames.length === 0) continue;
    const charge = chargeOf(frames);
    attribution.set(charge, (attribution.get(charge) ?? 0) + microsPerSample);
  }
  return attribution;
}

export function totalOf(attribution: Attribution): number {
  let total = 0;
  for (const micros of attribution.values()) total += micros;
  return total;
}

/** A markdown table of the largest differences, current minus baseline, µs per request. */
export function attributionDiffTable(current: Attribution, baseline: Attribution, rows: number): string {
  const keys = new Set([...current.keys(), ...baseline.keys()]);
  const lines = [...keys]
    .map((key) => ({ key, now: current.get(key) ?? 0, before: baseline.get(key) ?? 0 }))
    .sort((a, b) => Math.abs(b.now - b.before) - Math.abs(a.now - a.before))
    .slice(0, rows)
    .map(
      ({ key, now, before }) =>
        `| ${key.replaceAll("|", "\\|")} | ${now.toFixed(2)} | ${before.toFixed(2)} | ${signed(now - before)} |`,
    );
  const now = totalOf(current);
  const before = totalOf(baseline);
  return [
    "| charged to | current µs | baseline µs | difference |",
    "|---|---|---|---|",
    `| **everything** | ${now.toFixed(1)} | ${before.toFixed(1)} | ${signed(now - before)} |`,
    ...lines,
  ].join("\n");
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;
}
