import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layerBreakdown, layerOf, layersTable } from "../../bench/src/profile-layers.js";

const ROOT = "file:///work/switchyard";

describe("bench:profile layers", () => {
  it.each([
    [{ functionName: "writev", url: "" }, "socket system calls"],
    [{ functionName: "(garbage collector)", url: "" }, "garbage collection"],
    [{ functionName: "(program)", url: "" }, "V8 and native (microtasks, other)"],
    [{ functionName: "parserOnIncoming", url: "node:_http_server" }, "Node.js HTTP, streams, events, timers"],
    [
      { functionName: "_resume", url: `${ROOT}/node_modules/undici/lib/dispatcher/client.js` },
      "undici (upstream HTTP client)",
    ],
    [
      { functionName: "find", url: `${ROOT}/node_modules/find-my-way/index.js` },
      "Fastify (routing, hooks, body parsing, reply)",
    ],
    [
      { functionName: "set", url: `${ROOT}/node_modules/toad-cache/dist/toad-cache.cjs` },
      "Fastify (routing, hooks, body parsing, reply)",
    ],
    [{ functionName: "parse", url: `${ROOT}/node_modules/zod/v4/core/parse.js` }, "zod (request validation)"],
    [{ functionName: "write", url: `${ROOT}/node_modules/pino/lib/proto.js` }, "other packages"],
    [
      { functionName: "callWithResilience", url: `${ROOT}/dist/routing/resilient-call.js` },
      "Switchyard routing/",
    ],
    [
      { functionName: "handler", url: `${ROOT}/bench/dist/bare-proxy.js` },
      "the server's own top-level files",
    ],
  ])("puts %o in the layer '%s'", (frame, layer) => {
    expect(layerOf(frame)).toBe(layer);
  });

  it("adds up CPU time per layer after the skipped start, leaving idle time out, and divides it per request", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(idle)", url: "" } },
        { id: 2, callFrame: { functionName: "writev", url: "" } },
        { id: 3, callFrame: { functionName: "tryTarget", url: `${ROOT}/dist/routing/resilient-call.js` } },
        { id: 4, callFrame: { functionName: "compile", url: "node:internal/modules/esm/utils" } },
      ],
      // 4 ms of start-up (module loading), then 10 ms idle, 3 ms in writev, 1 ms in routing/.
      samples: [4, 1, 2, 3],
      timeDeltas: [4000, 10_000, 3000, 1000],
    };
    const file = join(mkdtempSync(join(tmpdir(), "profile-layers-")), "test.cpuprofile");
    writeFileSync(file, JSON.stringify(profile));

    const breakdown = layerBreakdown(file, 5);
    expect(breakdown.busyMs).toBe(4);
    expect(Object.fromEntries(breakdown.msByLayer)).toEqual({
      "socket system calls": 3,
      "Switchyard routing/": 1,
    });
    expect(layerBreakdown(file, 0).msByLayer.get("Node.js HTTP, streams, events, timers")).toBe(4);

    const table = layersTable([{ label: "gateway", breakdown, requests: 100 }]).split("\n");
    expect(table).toEqual([
      "| CPU µs per request | gateway |",
      "| --- | --- |",
      "| socket system calls | 30.0 |",
      "| Switchyard routing/ | 10.0 |",
      "| **total** | **40.0** |",
    ]);
  });
});
