import { Agent, request } from "node:http";
import type { HttpCall } from "./scenarios.js";

/**
 * A small streaming client that timestamps what it receives: when the first chunk holding `data:` arrives
 * (time to first token, as a user sees it), every later chunk, and the end. It keeps no bodies, only the
 * timings and the stream's last bytes (to tell a clean end from a broken one).
 */
export interface StreamTiming {
  ok: boolean;
  status: number;
  /** Milliseconds from sending the request. */
  firstDataMs: number;
  totalMs: number;
  /** Longest silence between two received chunks (after the first), in ms. */
  maxGapMs: number;
  chunks: number;
  /** When each chunk holding `data:` arrived, ms from sending (kept only when asked for: per-token latency). */
  arrivalsMs?: number[];
  error?: string;
}

/**
 * What a clean end looks like: `data: [DONE]` (OpenAI shape), `message_stop` (Anthropic shape) or
 * `response.completed` (OpenAI Responses shape, whose last event carries the whole response, so it is looked
 * for as the chunks arrive rather than in the stream's last bytes).
 */
const CLEAN_END = /data: \[DONE\]|"type":"message_stop"\}|(?:event: |"type":")response\.completed/;

export function timeStream(
  origin: string,
  call: HttpCall,
  agent: Agent,
  timeoutMs: number,
  keepArrivals = false,
): Promise<StreamTiming> {
  const url = new URL(call.path, origin);
  return new Promise((resolve) => {
    const start = performance.now();
    let last = Number.NaN;
    let firstDataMs = Number.NaN;
    let maxGapMs = 0;
    let chunks = 0;
    let tail = "";
    let ended = false;
    const arrivals: number[] = [];
    let settled = false;
    const finish = (
      timing: Omit<StreamTiming, "firstDataMs" | "totalMs" | "maxGapMs" | "chunks" | "arrivalsMs">,
    ): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        ...timing,
        firstDataMs,
        totalMs: performance.now() - start,
        maxGapMs,
        chunks,
        ...(keepArrivals && { arrivalsMs: arrivals }),
      });
    };
    const outgoing = request(
      url,
      { method: "POST", agent, headers: { ...call.headers, "content-length": Buffer.byteLength(call.body) } },
      (response) => {
        const status = response.statusCode ?? 0;
        response.on("data", (chunk: Buffer) => {
          const now = performance.now();
          if (!Number.isNaN(last)) maxGapMs = Math.max(maxGapMs, now - last);
          last = now;
          chunks++;
          const holdsData = chunk.includes("data:");
          if (Number.isNaN(firstDataMs) && holdsData) firstDataMs = now - start;
          if (keepArrivals && holdsData) arrivals.push(now - start);
          // The last bytes of the previous chunk too, in case the end marker straddles two chunks.
          const text = tail + chunk.toString("latin1");
          ended ||= CLEAN_END.test(text);
          tail = text.slice(-200);
        });
        response.on("end", () => {
          const clean = status === 200 && ended;
          finish({
            ok: clean,
            status,
            ...(!clean && { error: `status ${status}, ended with ${tail.slice(-80)}` }),
          });
        });
        response.on("error", (error) => finish({ ok: false, status, error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no clean end within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on("error", (error) => finish({ ok: false, status: 0, error: error.message }));
    outgoing.end(call.body);
  });
}

/** Streams one after another on one keep-alive connection. */
export async function timeSequentialStreams(
  origin: string,
  call: HttpCall,
  count: number,
): Promise<StreamTiming[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const timings: StreamTiming[] = [];
  try {
    for (let index = 0; index < count; index++)
      timings.push(await timeStream(origin, call, agent, 30_000, true));
  } finally {
    agent.destroy();
  }
  return timings;
}

export interface ConcurrentStreamsResult {
  streams: number;
  /** Completed cleanly with no gap over the stall threshold. */
  ok: number;
  stalled: number;
  failed: number;
  maxGapMs: number;
  firstDataP50Ms: number;
  firstDataP99Ms: number;
  firstError?: string;
}

/** One request on `agent`, its answer read to the end: opens (or reuses) one of the agent's sockets. */
function sendOnce(origin: string, call: HttpCall, agent: Agent): Promise<void> {
  return new Promise((resolve) => {
    const outgoing = request(
      new URL(call.path, origin),
      { method: "POST", agent, headers: { ...call.headers, "content-length": Buffer.byteLength(call.body) } },
      (response) => {
        response.resume();
        response.on("end", resolve);
        response.on("error", () => resolve());
      },
    );
    outgoing.on("error", () => resolve());
    outgoing.end(call.body);
  });
}

/**
 * `count` streams started at once, each on its own keep-alive connection, opened beforehand with `count`
 * concurrent instant requests (`warmCall`), so that the test is about streaming, not about accepting `count`
 * TCP connections in one burst. A stream stalls when a silence between two of its chunks exceeds `stallGapMs`
 * (the wait for its first chunk is reported as firstDataP99Ms); it fails when it does not end cleanly.
 */
export async function timeConcurrentStreams(
  origin: string,
  call: HttpCall,
  warmCall: HttpCall,
  count: number,
  stallGapMs: number,
): Promise<ConcurrentStreamsResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: count, maxFreeSockets: count });
  await Promise.all(Array.from({ length: count }, () => sendOnce(origin, warmCall, agent)));
  const timings = await Promise.all(
    Array.from({ length: count }, () => timeStream(origin, call, agent, 60_000)),
  );
  agent.destroy();
  const failed = timings.filter((timing) => !timing.ok);
  const stalled = timings.filter((timing) => timing.ok && timing.maxGapMs > stallGapMs);
  const firstData = timings
    .map((timing) => timing.firstDataMs)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return {
    streams: count,
    ok: count - failed.length - stalled.length,
    stalled: stalled.length,
    failed: failed.length,
    maxGapMs: Math.max(0, ...timings.map((timing) => timing.maxGapMs)),
    firstDataP50Ms: firstData[Math.max(0, Math.ceil(firstData.length * 0.5) - 1)] ?? Number.NaN,
    firstDataP99Ms: firstData[Math.max(0, Math.ceil(firstData.length * 0.99) - 1)] ?? Number.NaN,
    ...(failed[0]?.error !== undefined && { firstError: failed[0].error }),
  };
}
