import { SecretSet } from "../../dist/observability/secret-set.js";
import { openaiBodies } from "./mock-bodies.js";

/**
 * `npm run bench:redaction`: the CPU cost of secret redaction on what the gateway sends, in isolation: the
 * bench mock's pass-through answer (a whole JSON body, as the onSend hook sees it) and its 20-chunk stream (as
 * the stream writer sees it, chunk by chunk), with 1, 10 and 100 secrets of 40 characters. CPU time, not wall
 * time, so that a busy machine disturbs it less; each figure is the best of 5 runs.
 */

const RUNS = 5;
const ITERATIONS = 20_000;

function secrets(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `sk-bench-${String(index).padStart(4, "0")}-${"x".repeat(26)}`,
  );
}

/** CPU nanoseconds per call of `work`, best of RUNS. */
function cpuNsPerCall(work: () => void): number {
  for (let index = 0; index < ITERATIONS; index++) work();
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const start = process.cpuUsage();
    for (let index = 0; index < ITERATIONS; index++) work();
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / ITERATIONS);
  }
  return best;
}

const json = openaiBodies.json;
const jsonText = json.toString();
const stream = openaiBodies.stream(20).frames;
const streamBytes = stream.reduce((sum, frame) => sum + frame.length, 0);

const rows: string[] = [
  "| secrets | JSON answer as text (µs) | JSON answer as bytes (µs) | 20-chunk stream (µs) | ns per byte (text) |",
  "| --- | --- | --- | --- | --- |",
];
for (const count of [1, 10, 100]) {
  const set = new SecretSet();
  set.add(secrets(count));
  const text = cpuNsPerCall(() => set.redactText(jsonText));
  const bytes = cpuNsPerCall(() => set.redactBytes(json));
  const streamed = cpuNsPerCall(() => {
    const redactor = set.createStreamRedactor();
    for (const frame of stream) redactor.push(frame);
    redactor.end();
  });
  rows.push(
    `| ${count} | ${(text / 1000).toFixed(2)} | ${(bytes / 1000).toFixed(2)} | ${(streamed / 1000).toFixed(2)} | ${(text / jsonText.length).toFixed(2)} |`,
  );
}
process.stdout.write(
  `JSON answer ${json.length} bytes; stream ${streamBytes} bytes in ${stream.length} writes\n\n${rows.join("\n")}\n`,
);
