import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";
import type { TrafficUpdate } from "../../src/console/console-wire.js";
import { GatewayInstance } from "../../src/server/gateway-instance.js";
import { type GatewayUnderTest, routeYaml, startGateway } from "../api/gateway-under-test.js";

/**
 * The console's HTTP side without a browser: its headers, its files, its data API and stream, when it is on,
 * and that it never holds up a shutdown.
 */

const ROUTES = `routes:
${routeYaml("chat", "llm/v1/chat", "mock", "mock-echo")}${routeYaml("vectors", "llm/v1/embeddings", "mock", "mock-embed")}`;

let gateway: GatewayUnderTest | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Reads an SSE response until `count` events arrived (or the stream ended). */
async function readEvents(response: Response, count: number): Promise<{ event: string; data: string }[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = "";
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const frames = buffer.split("\n\n");
    buffer = frames.pop() ?? "";
    for (const frame of frames) {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "message";
      const data = [...frame.matchAll(/^data: (.*)$/gm)].map((match) => match[1]).join("\n");
      events.push({ event, data });
    }
  }
  await reader.cancel();
  return events;
}

async function chat(text: string, headers: Record<string, string> = {}): Promise<void> {
  const answer = await gateway?.post(
    "/v1/chat/completions",
    { model: "chat", messages: [{ role: "user", content: text }] },
    headers,
  );
  expect(answer?.status).toBe(200);
}

describe("the console's HTTP side", () => {
  it("serves the page with a CSP that allows exactly its import map, and nothing from elsewhere", async () => {
    gateway = await startGateway(ROUTES);
    const response = await fetch(`${gateway.url}/ui/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    expect(JSON.parse(importMap).imports.preact).toBe("/ui/vendor/preact.mjs");
    const hash = createHash("sha256").update(importMap).digest("base64");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp.split("; ")).toEqual([
      "default-src 'none'",
      `script-src 'self' 'sha256-${hash}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("sends its files gzipped with an ETag, answers 304 when unchanged and 404 for a file it lacks", async () => {
    gateway = await startGateway(ROUTES);
    const first = await fetch(`${gateway.url}/ui/vendor/uPlot.esm.js`, {
      headers: { "accept-encoding": "gzip" },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-encoding")).toBe("gzip");
    expect(first.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(first.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await first.text()).toContain("uPlot");
    const etag = first.headers.get("etag") ?? "";
    const again = await fetch(`${gateway.url}/ui/vendor/uPlot.esm.js`, {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
    const missing = await fetch(`${gateway.url}/ui/vendor/nothing.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: "The console has no file 'vendor/nothing.js'." });
  });

  it("gives a page that connects later the traffic already served, playground requests counted apart", async () => {
    gateway = await startGateway(ROUTES);
    await chat("one");
    await chat("two");
    await chat("three", { "x-switchyard-source": "console" });
    // The owner has a second once the workers reported it, just after it ends: up to a second and a report
    // later, longer on a loaded machine (poll's default of 1 s timed out once in a full test run).
    await expect
      .poll(
        async () => {
          const view = (await gateway?.get("/ui/api/routes"))?.body as {
            routes: { requestsPerMinute: number }[];
          };
          return view.routes[0]?.requestsPerMinute;
        },
        { timeout: 10_000 },
      )
      .toBe(3);
    const response = await fetch(`${gateway.url}/ui/api/events`);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const [snapshot] = await readEvents(response, 1);
    expect(snapshot?.event).toBe("snapshot");
    const update = JSON.parse(snapshot?.data ?? "{}") as TrafficUpdate;
    expect(update.route).toBeNull();
    expect(update.points.length).toBe(600);
    const sum = (pick: (point: TrafficUpdate["points"][number]) => number): number =>
      update.points.reduce((total, point) => total + pick(point), 0);
    expect(sum((point) => point.requests)).toBe(3);
    expect(sum((point) => point.playground)).toBe(1);
    expect(sum((point) => point.tokensOut)).toBeGreaterThan(0);
    expect(update.points.some((point) => point.p95Ms !== null && point.p95Ms > 0)).toBe(true);
    expect(update.routes.routes.map((route) => route.name)).toEqual(["chat", "vectors"]);

    const vectors = await readEvents(await fetch(`${gateway.url}/ui/api/events?route=vectors`), 1);
    const forVectors = JSON.parse(vectors[0]?.data ?? "{}") as TrafficUpdate;
    expect(forVectors.route).toBe("vectors");
    expect(forVectors.points.reduce((total, point) => total + point.requests, 0)).toBe(0);
  });

  it("streams a tick each second with the seconds since the last one", async () => {
    gateway = await startGateway(ROUTES);
    const response = await fetch(`${gateway.url}/ui/api/events?route=chat`);
    const reading = readEvents(response, 3);
    await chat("during the stream");
    const events = await reading;
    expect(events.map((event) => event.event)).toEqual(["snapshot", "tick", "tick"]);
    const [snapshot, ...ticks] = events.map((event) => JSON.parse(event.data) as TrafficUpdate);
    const seconds = [snapshot, ...ticks].flatMap((update) => update?.points.map((point) => point.t) ?? []);
    // Each second once, in order, without gaps.
    expect(seconds).toEqual(seconds.map((_, index) => (seconds[0] as number) + index));
  });

  it("refuses a stream for a route that does not exist, in the error format of the gateway", async () => {
    gateway = await startGateway(ROUTES);
    const response = await gateway.get("/ui/api/events?route=nope");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ detail: "The query parameter 'route' names no route: nope." });
  });

  it("does not hold up closing the gateway while a page is open", async () => {
    gateway = await startGateway(ROUTES);
    const response = await fetch(`${gateway.url}/ui/api/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await gateway.close();
    gateway = undefined;
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it("is served at the configured path, and off when the config says so", async () => {
    gateway = await startGateway(`console:\n  path: /ops/console\n${ROUTES}`);
    expect((await fetch(`${gateway.url}/ops/console`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/ui`)).status).toBe(404);
    const html = await (await fetch(`${gateway.url}/ops/console`)).text();
    expect(html).toContain('src="/ops/console/main.js"');
    await gateway.close();
    gateway = await startGateway(`console:\n  enabled: false\n${ROUTES}`);
    expect((await fetch(`${gateway.url}/ui`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/ui/api/routes`)).status).toBe(404);
  });

  it("is off by default on a gateway bound to a non-loopback address, unless the config turns it on", async () => {
    const build = async (yaml: string): Promise<GatewayInstance> => {
      const parsed = parseConfig(yaml, "/virtual/console.yaml", {});
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      return GatewayInstance.create({ config: parsed.config, host: "0.0.0.0" });
    };
    const closed = await build(ROUTES);
    expect((await closed.app.inject({ url: "/ui" })).statusCode).toBe(404);
    await closed.close();
    const opened = await build(`console:\n  enabled: true\n${ROUTES}`);
    expect((await opened.app.inject({ url: "/ui" })).statusCode).toBe(200);
    await opened.close();
  });

  it("serves its page to anyone and its data like /metrics (any key of the gateway) when keys are required", async () => {
    const env = {
      PEPPER: "console-test-pepper-0123456789abcdef",
      MASTER: "sy-master-console-0123456789-abcdefgh",
    };
    gateway = await startGateway(
      `governance:\n  auth: { required: true, pepper: $PEPPER }\n  admin: { master_keys: [{ name: ops, key: $MASTER }] }\n${ROUTES}`,
      env,
    );
    const routes = await fetch(`${gateway.url}/ui/api/routes`);
    expect(routes.status).toBe(401);
    expect(routes.headers.get("www-authenticate")).toContain("Bearer");
    expect((await fetch(`${gateway.url}/ui/api/events`)).status).toBe(401);
    const wrong = await fetch(`${gateway.url}/ui/api/routes`, {
      headers: { authorization: "Bearer sy-master-wrong-0123456789-abcdefgh" },
    });
    expect(wrong.status).toBe(401);
    const master = { authorization: `Bearer ${env.MASTER}` };
    const withMaster = await fetch(`${gateway.url}/ui/api/routes`, { headers: master });
    expect(withMaster.status).toBe(200);
    expect(((await withMaster.json()) as { routes: unknown[] }).routes).toHaveLength(2);
    const stream = await fetch(`${gateway.url}/ui/api/events`, { headers: master });
    expect(stream.status).toBe(200);
    expect((await readEvents(stream, 1))[0]?.event).toBe("snapshot");
    // The page and what it needs to know before asking for a key are public; they hold no data.
    const page = await fetch(`${gateway.url}/ui`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("chat");
    const access = await fetch(`${gateway.url}/ui/api/access`);
    expect(access.status).toBe(200);
    expect(await access.json()).toEqual({ dataNeedsKey: true, adminApi: true });
    await gateway.close();
    gateway = await startGateway(
      `governance:\n  auth: { required: true, pepper: $PEPPER, surfaces: { docs: open, metrics: open } }\n${ROUTES}`,
      env,
    );
    expect((await fetch(`${gateway.url}/ui`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/ui/api/routes`)).status).toBe(200);
  });
});
