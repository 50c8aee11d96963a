import { readFileSync } from "node:fs";

/**
 * A server's CPU time per request, split by layer of the request path (socket system calls, Node's HTTP and
 * streams, undici, Fastify, Switchyard's own code by folder, zod, garbage collection, ...), from a
 * `node --cpu-prof` profile of a steady load: the profile that shows where a request's time goes.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The native functions that are the socket system calls (and their string encoding), named as V8 shows them. */
const SOCKET_CALLS = new Set([
  "writev",
  "writeUtf8String",
  "writeLatin1String",
  "writeBuffer",
  "readStart",
  "close",
]);

const FASTIFY_PACKAGES =
  /node_modules\/(fastify|@fastify\/[^/]+|find-my-way|secure-json-parse|avvio|fast-json-stringify|toad-cache|light-my-request|fast-querystring|process-warning|abstract-logging)\//;

export function layerOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "garbage collection";
  if (url === "")
    return SOCKET_CALLS.has(functionName) ? "socket system calls" : "V8 and native (microtasks, other)";
  if (url.startsWith("node:")) return "Node.js HTTP, streams, events, timers";
  if (url.includes("/node_modules/undici/")) return "undici (upstream HTTP client)";
  if (FASTIFY_PACKAGES.test(url)) return "Fastify (routing, hooks, body parsing, reply)";
  if (url.includes("/node_modules/zod/")) return "zod (request validation)";
  if (url.includes("/node_modules/")) return "other packages";
  const folder = /\/dist\/([^/]+)\//.exec(url)?.[1];
  return folder === undefined ? "the server's own top-level files" : `Switchyard ${folder}/`;
}

export interface LayerBreakdown {
  /** CPU milliseconds per layer, over the samples taken `skipMs` or more after the profile started. */
  msByLayer: Map<string, number>;
  busyMs: number;
}

export function layerBreakdown(file: string, skipMs: number): LayerBreakdown {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const msByLayer = new Map<string, number>();
  let elapsedUs = 0;
  let busyMs = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    elapsedUs += delta;
    const frame = frames.get(id);
    if (elapsedUs < skipMs * 1000 || frame === undefined || frame.functionName === "(idle)") return;
    const layer = layerOf(frame);
    msByLayer.set(layer, (msByLayer.get(layer) ?? 0) + delta / 1000);
    busyMs += delta / 1000;
  });
  return { msByLayer, busyMs };
}

/** One column per scenario, one row per layer, in µs per request; the busiest layers first. */
export function layersTable(
  columns: { label: string; breakdown: LayerBreakdown; requests: number }[],
): string {
  const perRequest = (ms: number | undefined, requests: number) => ((ms ?? 0) * 1000) / requests;
  const layers = new Map<string, number>();
  for (const { breakdown, requests } of columns) {
    for (const [layer, ms] of breakdown.msByLayer)
      layers.set(layer, Math.max(layers.get(layer) ?? 0, perRequest(ms, requests)));
  }
  const ordered = [...layers.entries()].sort((a, b) => b[1] - a[1]).map(([layer]) => layer);
  const cell = (value: number) => (value < 0.05 ? "–" : value.toFixed(1));
  return [
    `| CPU µs per request | ${columns.map((column) => column.label).join(" | ")} |`,
    `| --- | ${columns.map(() => "---").join(" | ")} |`,
    ...ordered.map(
      (layer) =>
        `| ${layer} | ${columns.map(({ breakdown, requests }) => cell(perRequest(breakdown.msByLayer.get(layer), requests))).join(" | ")} |`,
    ),
    `| **total** | ${columns.map(({ breakdown, requests }) => `**${cell(perRequest(breakdown.busyMs, requests))}**`).join(" | ")} |`,
  ].join("\n");
}
