import { ConsoleService } from "../../dist/console/console-service.js";
import { TrafficRecorder } from "../../dist/observability/traffic-recorder.js";

/**
 * `npm run bench:console`: what the web console costs, in isolation and in CPU time (best of 5 runs): per
 * request, the worker's `record()` (the only console work on the request path, and only when the console is
 * on); per second, the owner merging a worker's report; per open page and second, answering its stream.
 */

const RUNS = 5;
const ROUTES = Array.from({ length: 20 }, (_, index) => `route-${index}`);

function bestCpuNs(iterations: number, work: (index: number) => void): number {
  for (let index = 0; index < iterations; index++) work(index);
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const start = process.cpuUsage();
    for (let index = 0; index < iterations; index++) work(index);
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / iterations);
  }
  return best;
}

const recorder = new TrafficRecorder();
const sample = {
  route: "route-0",
  status: 200,
  elapsedMs: 12.5,
  ttftMs: undefined as number | undefined,
  tokensIn: 10,
  tokensOut: 20,
  fromPlayground: false,
};
const recordNs = bestCpuNs(1_000_000, (index) => {
  sample.route = ROUTES[index % ROUTES.length] as string;
  sample.elapsedMs = (index % 1000) + 0.5;
  recorder.record(sample);
  if (index % 50_000 === 0) recorder.drain();
});

// A report of a busy second: every route had traffic.
let now = 1_000_000_000_000;
const owner = new ConsoleService(
  {
    routes: ROUTES.map((name) => ({ name, type: "llm/v1/chat", strategy: "fallback", targets: [] })),
  } as never,
  () => now,
);
const reportingRecorder = new TrafficRecorder(() => now);
const reportNs = bestCpuNs(2_000, () => {
  for (const route of ROUTES) reportingRecorder.record({ ...sample, route });
  now += 1000;
  const report = { op: "report", reporter: "1", seconds: reportingRecorder.drain(), breakers: [] };
  owner.handle(JSON.parse(JSON.stringify(report)));
});
const tickNs = bestCpuNs(2_000, () => {
  JSON.stringify(owner.handle({ op: "traffic", route: null, after: Math.floor(now / 1000) - 3 }));
});
const snapshotNs = bestCpuNs(50, () => {
  JSON.stringify(owner.handle({ op: "traffic", route: null, after: null }));
});

const table = [
  `| work | CPU µs |`,
  `| --- | --- |`,
  `| record one request (worker, request path) | ${(recordNs / 1000).toFixed(3)} |`,
  `| merge one worker's second, ${ROUTES.length} busy routes (owner, once a second per worker) | ${(reportNs / 1000).toFixed(1)} |`,
  `| one tick of an open page, all routes (owner, once a second per page) | ${(tickNs / 1000).toFixed(1)} |`,
  `| snapshot of 600 s for a page that connects (owner) | ${(snapshotNs / 1000).toFixed(0)} |`,
];
process.stdout.write(`${table.join("\n")}\n`);
