import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startOpenAIMock } from "../mock-upstream/index.js";
import { createConfigDirectory } from "./config-files.js";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.js";

const KEY = "sk-metrics-SECRET-9b8c7d6e5f";
let upstream: MockUpstream;
let gateway: GatewayProcess;
let metricsText: string;

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  upstream = await startOpenAIMock();
  const configPath = join(createConfigDirectory(), "switchyard.yaml");
  writeFileSync(
    configPath,
    `routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: ${KEY}, openai_api_base: "${upstream.url}/v1" } }
  - name: echo
    type: llm/v1/chat
    model: { provider: mock }
`,
  );
  gateway = await startGatewayProcess(["--config-path", configPath, "--workers", "2"]);
  const messages = [{ role: "user", content: "count these four words" }];
  // Enough requests that both workers serve some: each worker counts its own, /metrics must add them up.
  for (let round = 0; round < 10; round++) {
    await Promise.all([
      post("/v1/chat/completions", { model: "chat", messages }),
      post("/gateway/echo/invocations", { messages }),
      post("/v1/chat/completions", { model: "echo", messages, stream: true }).then((response) =>
        response.text(),
      ),
    ]);
  }
  // Requests that carry user input where a careless gateway would put it into a label.
  await post("/gateway/user-supplied-route-name/invocations", { messages });
  await post("/v1/chat/completions", { model: "user-supplied-model", messages });
  await fetch(`${gateway.url}/config-reload-probe-${Date.now()}`);
  metricsText = await (await fetch(`${gateway.url}/metrics`)).text();
});
afterAll(async () => {
  await gateway.stop("SIGKILL");
  await upstream.close();
});

function sample(name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = metricsText
    .split("\n")
    .find(
      (candidate) => candidate.startsWith(`${name}{`) && wanted.every((pair) => candidate.includes(pair)),
    );
  return line === undefined ? Number.NaN : Number(line.split(" ").at(-1));
}

/** promtool comes from Debian's `prometheus` package, which .ci/run installs; CI must never skip this check. */
const hasPromtool = spawnSync("promtool", ["--version"]).error === undefined;

describe("GET /metrics", () => {
  it.skipIf(!hasPromtool && process.env.CI === undefined)(
    "passes promtool check metrics (needs promtool: apt-get install prometheus)",
    () => {
      const promtool = spawnSync("promtool", ["check", "metrics"], { input: metricsText, encoding: "utf8" });
      if (promtool.error !== undefined)
        throw new Error("promtool is not installed: apt-get install prometheus");
      expect(`${promtool.stdout}${promtool.stderr}`).toBe("");
      expect(promtool.status).toBe(0);
    },
  );

  it("adds up every worker's requests by API, route, provider and status", () => {
    expect(
      sample("switchyard_requests_total", {
        api: "openai",
        route: "chat",
        provider: "openai",
        status: "200",
      }),
    ).toBe(10);
    expect(
      sample("switchyard_requests_total", { api: "mlflow", route: "echo", provider: "mock", status: "200" }),
    ).toBe(10);
    expect(
      sample("switchyard_requests_total", { api: "openai", route: "echo", provider: "mock", status: "200" }),
    ).toBe(10);
  });

  it("counts tokens in and out by route and configured model", () => {
    // The OpenAI mock counts words: 4 in, and "Echo: count these four words" is 5 out, per request.
    expect(
      sample("switchyard_tokens_total", {
        route: "chat",
        provider: "openai",
        model: "gpt-4o-mini",
        group: "",
        direction: "input",
      }),
    ).toBe(40);
    expect(
      sample("switchyard_tokens_total", {
        route: "chat",
        provider: "openai",
        model: "gpt-4o-mini",
        group: "",
        direction: "output",
      }),
    ).toBe(50);
  });

  it("has latency, upstream, overhead and time-to-first-token histograms", () => {
    expect(sample("switchyard_request_duration_seconds_count", { api: "openai", route: "chat" })).toBe(10);
    expect(sample("switchyard_upstream_duration_seconds_count", { route: "chat", provider: "openai" })).toBe(
      10,
    );
    expect(sample("switchyard_gateway_overhead_seconds_count", { api: "mlflow", route: "echo" })).toBe(10);
    expect(sample("switchyard_time_to_first_token_seconds_count", { route: "echo", provider: "mock" })).toBe(
      10,
    );
    expect(sample("switchyard_requests_in_flight", { route: "chat" })).toBe(0);
  });

  it("reports config reloads, both outcomes from zero", () => {
    expect(sample("switchyard_config_reloads_total", { result: "applied" })).toBe(0);
    expect(sample("switchyard_config_reloads_total", { result: "rejected" })).toBe(0);
  });

  it("never puts user input or a secret into a label", () => {
    expect(metricsText).not.toContain("user-supplied");
    expect(metricsText).not.toContain("config-reload-probe");
    expect(metricsText).not.toContain(KEY);
    const labelValues = [...metricsText.matchAll(/(\w+)="([^"]*)"/g)];
    const allowed: Record<string, RegExp> = {
      api: /^(mlflow|openai|deployments)$/,
      route: /^(chat|echo)$/,
      provider: /^(openai|mock)$/,
      model: /^(gpt-4o-mini|mock-echo)$/,
      status: /^\d{3}$/,
      direction: /^(input|output)$/,
      result: /^(applied|rejected)$/,
      // A key's group (from the config or the admin API), empty without gateway keys.
      group: /^$/,
      store: /^(local|redis)$/,
      // Where the embedded limit store decided an admission.
      decided: /^(worker|ledger)$/,
      // What put a worker over its overload limit.
      reason: /^(event_loop_delay|event_loop_utilization)$/,
      le: /^[\d.e+-]+|\+Inf$/,
    };
    for (const [, label, value] of labelValues) {
      expect(allowed[label as string], `unexpected label ${label}`).toBeDefined();
      expect(value).toMatch(allowed[label as string] as RegExp);
    }
  });
});
