import { describe, expect, it } from "vitest";
import { attributeSamples, attributionDiffTable, frameKey } from "../../bench/src/perf-attribution.js";

/** `perf script -F ip,sym` output: one stack per paragraph, leaf first (trimmed from a real run). */
const SCRIPT = `
\t          c4a588 v8::internal::Execution::Call
\t            0c22 JS:*push file:///tmp/a/dist/governance/usage/usage-log-client.js:50:9
\t          7bbbe6 node::SpinEventLoopInternal

\tffffffff82239567 _raw_spin_unlock_irqrestore
\tffffffff8223cb30 do_syscall_64
\t              8e JS:*writeOrBuffer node:internal/streams/writable:548:23
\t             7a0 JS:*push file:///tmp/a/dist/governance/usage/usage-log-client.js:50:9

\t              8e Builtins_KeyedLoadIC_Megamorphic
\t             174 JS:^parseHeaders /work/main/node_modules/undici/lib/core/util.js:436:23
\t          7bbbe6 node::SpinEventLoopInternal

\t              db JS:*onSend /work/main/node_modules/@fastify/under-pressure/index.js:10:1

\tffffffff813aecd3 finish_task_switch.isra.0
\t          108cae epoll_pwait

\t          805618 v8::internal::Scavenger::ScavengeObject
`;

describe("charging perf samples to the code they ran for", () => {
  it("charges each sample to its innermost own frame, kernel leaves apart, else a package, else its leaf", () => {
    // Two requests sampled at 1 kHz: each sample is 500 µs a request.
    const attribution = attributeSamples(SCRIPT, 2, 1000);
    expect(Object.fromEntries(attribution)).toEqual({
      "push dist/governance/usage/usage-log-client.js": 500,
      "push dist/governance/usage/usage-log-client.js [kernel]": 500,
      "package undici": 500,
      "package @fastify/under-pressure": 500,
      "(kernel, no JS frame)": 500,
      "(no JS frame) v8::internal::Scavenger::ScavengeObject": 500,
    });
  });

  it("names a function the same way in every build directory", () => {
    expect(frameKey("JS:*push file:///tmp/switchyard-baseline-x/dist/a/b.js:50:9")).toBe("push dist/a/b.js");
    expect(frameKey("JS:~push /work/main/dist/a/b.js:7:1")).toBe("push dist/a/b.js");
    // An anonymous function keeps its line; V8's builtins have one name whichever map perf read them from.
    expect(frameKey("JS:* file:///work/main/dist/api/hooks.js:12:27")).toBe("dist/api/hooks.js:12");
    expect(frameKey("Builtin:LoadIC_Megamorphic")).toBe(frameKey("Builtins_LoadIC_Megamorphic"));
  });

  it("lists the largest differences first, with the totals", () => {
    const current = new Map([
      ["a", 10],
      ["b", 3],
    ]);
    const baseline = new Map([
      ["a", 9],
      ["c", 5],
    ]);
    const table = attributionDiffTable(current, baseline, 2).split("\n");
    expect(table[2]).toBe("| **everything** | 13.0 | 14.0 | -1.00 |");
    expect(table[3]).toBe("| c | 0.00 | 5.00 | -5.00 |");
    expect(table[4]).toBe("| b | 3.00 | 0.00 | +3.00 |");
    expect(table).toHaveLength(5);
  });
});
