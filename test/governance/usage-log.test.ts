import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisUsageAggregates } from "../../src/governance/usage/redis-usage-aggregates.js";
import { FileSink } from "../../src/governance/usage/sinks/file-sink.js";
import {
  SqliteUsageAggregates,
  type UsageQuery,
  type UsageRow,
} from "../../src/governance/usage/usage-aggregates.js";
import { type CountedRecord, countsOf, type UsageCount } from "../../src/governance/usage/usage-tally.js";
import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import {
  anthropicMessage,
  type MockUpstream,
  openAIChatCompletion,
  startAnthropicMock,
  startOpenAIMock,
} from "../mock-upstream/index.js";
import { requireDebianTool } from "../support/debian-tool.js";
import { type RedisServer, startRedisServer } from "../support/redis-server.js";

let upstream: MockUpstream;
const scratch: string[] = [];
beforeAll(async () => {
  upstream = await startOpenAIMock();
});
afterAll(async () => {
  await upstream.close();
});
const gateways: GatewayUnderTest[] = [];
afterEach(async () => {
  upstream.reset();
  for (const gateway of gateways.splice(0)) await gateway.close();
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function scratchDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-usage-"));
  scratch.push(directory);
  return directory;
}

async function gatewayWith(...governance: string[]): Promise<GatewayUnderTest> {
  const yaml = [
    "routes:",
    "  - name: chat",
    "    type: llm/v1/chat",
    "    model:",
    "      provider: openai",
    "      name: gpt-4o-mini",
    `      config: {openai_api_key: sk-test, openai_api_base: '${upstream.url}/v1'}`,
    "  - name: free",
    "    type: llm/v1/chat",
    "    model: {provider: mock, name: mock-echo}",
    ...(governance.length === 0 ? [] : ["governance:", ...governance]),
    "",
  ].join("\n");
  const gateway = await startGateway(yaml);
  gateways.push(gateway);
  return gateway;
}

const messages = [{ role: "user", content: "Hello there" }];

/** The bytes of a response's status line and headers, as fetch saw them (names lower-cased, as Node sent them). */
function headerBytes(response: { status: number; headers: Headers }): number {
  let bytes = Buffer.byteLength(`HTTP/1.1 ${response.status} OK\r\n`) + 2;
  response.headers.forEach((value, name) => {
    bytes += Buffer.byteLength(`${name}: ${value}\r\n`);
  });
  return bytes;
}

describe("the usage log", () => {
  it("writes one record per request, with usage, cost from the vendored table and its version, to stdout by default", async () => {
    const gateway = await gatewayWith();
    await gateway.post("/v1/chat/completions", { model: "chat", messages });
    await gateway.post("/v1/chat/completions", { model: "chat", messages, stream: true });
    await gateway.post("/gateway/free/invocations", { messages });
    const records = await gateway.usageRecords();
    expect(records).toHaveLength(3);
    const [whole, streamed, unpriced] = records;
    expect(whole).toMatchObject({
      api: "openai",
      route: "chat",
      provider: "openai",
      model: "gpt-4o-mini",
      input_tokens: 2,
      output_tokens: 3,
      usage_source: "provider",
      // $0.15 and $0.60 per million tokens.
      cost_nano_usd: 2 * 150 + 3 * 600,
      cost_usd: "0.0000021",
      priced: true,
      price_id: "genai-prices:openai/gpt-4o-mini",
      price_version: expect.stringMatching(/^genai-prices-/),
      status: 200,
      stream: false,
      key_id: null,
    });
    // The client did not ask for the stream's usage: the gateway did, so the stream is billed exactly.
    expect(streamed).toMatchObject({
      stream: true,
      usage_source: "provider",
      input_tokens: 2,
      output_tokens: 3,
      priced: true,
    });
    expect(unpriced).toMatchObject({
      api: "mlflow",
      route: "free",
      priced: false,
      cost_nano_usd: null,
      cost_usd: null,
      unpriced_reason: "no_price_entry",
    });
    expect(unpriced?.input_tokens).toBeGreaterThan(0);
  });

  it("lists every attempt, the models asked for and served, the outcome, the sizes and the tightest limit", async () => {
    const yaml = [
      "routes:",
      "  - name: backed",
      "    type: llm/v1/chat",
      "    limits: {rpm: 100, concurrency: 1000}",
      "    retries: {max_attempts: 1}",
      "    targets:",
      "      - provider: openai",
      "        name: gpt-4o-mini",
      `        config: {openai_api_key: sk-test, openai_api_base: '${upstream.url}/v1'}`,
      "      - provider: openai",
      "        name: gpt-4o",
      `        config: {openai_api_key: sk-test, openai_api_base: '${upstream.url}/v1'}`,
      "",
    ].join("\n");
    const gateway = await startGateway(yaml);
    gateways.push(gateway);
    upstream.enqueue({
      kind: "json",
      status: 503,
      body: { error: { message: "overloaded", type: "server_error", param: null, code: null } },
    });
    const rescued = await gateway.post("/v1/chat/completions", { model: "backed", messages, max_tokens: 5 });
    expect(rescued.status).toBe(200);
    const plain = await gateway.post("/v1/chat/completions", { model: "backed", messages });
    expect(plain.status).toBe(200);
    const refused = await gateway.post("/v1/chat/completions", { model: "backed", messages: "not a list" });
    expect(refused.status).toBe(400);
    const [first, second, third] = await gateway.usageRecords();
    expect(first).toMatchObject({
      model_requested: "backed",
      model: "gpt-4o",
      // What the upstream said answered.
      model_resolved: expect.any(String),
      fallback_used: true,
      attempts: [
        {
          provider: "openai",
          target: "openai/gpt-4o-mini",
          model: "gpt-4o-mini",
          status: 503,
          error_kind: "upstream_http_error",
        },
        { provider: "openai", target: "openai/gpt-4o", model: "gpt-4o", status: 200 },
      ],
      status: 200,
      error_kind: null,
      finish_reason: "stop",
      // Of 100 a minute, 99 left; of 1,000 in flight, 999: the rate is the tightest (the smaller share left).
      remaining: { limit: "route:backed:rpm", unit: "requests", value: 99 },
      cost_breakdown: {
        input: expect.any(Number),
        cache_read: 0,
        cache_write: 0,
        output: expect.any(Number),
      },
    });
    expect((first?.attempts as object[] | undefined)?.[1]).not.toHaveProperty("error_kind");
    // Each attempt's own usage and cost: none for the one that failed before any byte, the answer's for the other.
    expect(first?.attempts).toEqual([
      expect.objectContaining({ target: "openai/gpt-4o-mini", usage: null, cost_nano_usd: null }),
      expect.objectContaining({
        target: "openai/gpt-4o",
        usage: { input_tokens: first?.input_tokens, output_tokens: first?.output_tokens },
        cost_nano_usd: first?.cost_nano_usd,
      }),
    ]);
    expect(first?.cost_nano_usd).toEqual(expect.any(Number));
    expect(first?.response_bytes).toBe(Buffer.byteLength(rescued.text) + headerBytes(rescued));
    expect(second).toMatchObject({
      fallback_used: false,
      attempts: [{ target: "openai/gpt-4o-mini", status: 200 }],
      remaining: { limit: "route:backed:rpm", value: 98 },
    });
    // The upstream refused the body (a client error: no fallback); its one attempt is the failure.
    expect(third).toMatchObject({
      status: 400,
      error_kind: "upstream_http_error",
      fallback_used: false,
      attempts: [{ target: "openai/gpt-4o-mini", status: 400, error_kind: "upstream_http_error" }],
    });
  });

  it("sends batches to an HTTP collector as JSON lines", async () => {
    const received: string[] = [];
    const collector = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        received.push(`${request.headers["content-type"]} ${request.headers.authorization}\n${body}`);
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const port = (collector.address() as { port: number }).port;
    try {
      const gateway = await gatewayWith(
        "  usage_log:",
        `    sinks: [{kind: http, url: 'http://127.0.0.1:${port}/usage', headers: {Authorization: Bearer collector-token}}]`,
        "    flush_ms: 20",
      );
      await gateway.post("/v1/chat/completions", { model: "chat", messages });
      for (let wait = 0; wait < 100 && received.length === 0; wait++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const [head, ...lines] = (received[0] ?? "").split("\n").filter((line) => line !== "");
      expect(head).toBe("application/x-ndjson Bearer collector-token");
      expect(lines.map((line) => JSON.parse(line).route)).toEqual(["chat"]);
    } finally {
      collector.close();
    }
  });
});

describe("the usage log's usage details, service tier, queue time and cache", () => {
  let anthropic: MockUpstream;
  beforeAll(async () => {
    anthropic = await startAnthropicMock();
  });
  afterAll(async () => {
    await anthropic.close();
  });
  afterEach(() => {
    anthropic.reset();
  });

  async function detailsGateway(): Promise<GatewayUnderTest> {
    const gateway = await startGateway(
      [
        "routes:",
        "  - name: chat",
        "    type: llm/v1/chat",
        "    model:",
        "      provider: openai",
        "      name: gpt-4o-mini",
        `      config: {openai_api_key: sk-test, openai_api_base: '${upstream.url}/v1'}`,
        "  - name: claude",
        "    type: llm/v1/chat",
        "    model:",
        "      provider: anthropic",
        "      name: claude-3-5-haiku-latest",
        `      config: {anthropic_api_key: sk-ant-test, anthropic_api_base: '${anthropic.url}/v1'}`,
        // Too small a rate for a worker's grants: every admission is decided by the limits ledger.
        "  - name: limited",
        "    type: llm/v1/chat",
        "    limits: {rpm: 100}",
        "    model: {provider: mock, name: mock-echo}",
        "  - name: free",
        "    type: llm/v1/chat",
        "    model: {provider: mock, name: mock-echo}",
        "",
      ].join("\n"),
    );
    gateways.push(gateway);
    return gateway;
  }

  it("records audio and image tokens and the tier OpenAI says served, else the tier asked for, else null", async () => {
    const gateway = await detailsGateway();
    upstream.enqueue({
      kind: "json",
      status: 200,
      body: {
        ...openAIChatCompletion(),
        usage: {
          prompt_tokens: 700,
          completion_tokens: 400,
          total_tokens: 1100,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 600, image_tokens: 85 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 350 },
        },
        service_tier: "priority",
      },
    });
    await gateway.post("/v1/chat/completions", { model: "chat", messages, service_tier: "auto" });
    await gateway.post("/v1/chat/completions", { model: "chat", messages, service_tier: "flex" });
    await gateway.post("/v1/chat/completions", { model: "chat", messages });
    const [reported, asked, neither] = await gateway.usageRecords();
    expect(reported).toMatchObject({
      input_tokens: 700,
      output_tokens: 400,
      audio_in_tokens: 600,
      audio_out_tokens: 350,
      image_tokens: 85,
      server_tool_units: { web_search: 0 },
      service_tier: "priority",
      cache_hit: false,
      // Audio and image tokens are priced as the input and output tokens they are part of.
      cost_nano_usd: 700 * 150 + 400 * 600,
    });
    expect(asked).toMatchObject({
      service_tier: "flex",
      audio_in_tokens: 0,
      audio_out_tokens: 0,
      image_tokens: 0,
    });
    expect(neither).toMatchObject({ service_tier: null, cache_hit: false });
  });

  it("records the web searches and the tier of an Anthropic answer, relayed and translated", async () => {
    const gateway = await detailsGateway();
    const answer = anthropicMessage({ text: "Found it." });
    const searched = {
      ...answer,
      usage: { ...answer.usage, server_tool_use: { web_search_requests: 2 }, service_tier: "standard" },
    };
    anthropic.enqueue(
      { kind: "json", status: 200, body: searched },
      { kind: "json", status: 200, body: searched },
    );
    const relayed = await gateway.post("/v1/messages", { model: "claude", max_tokens: 64, messages });
    const translated = await gateway.post("/v1/chat/completions", { model: "claude", messages });
    expect([relayed.status, translated.status]).toEqual([200, 200]);
    const records = await gateway.usageRecords();
    for (const one of records) {
      expect(one).toMatchObject({
        server_tool_units: { web_search: 2 },
        service_tier: "standard",
        priced: true,
      });
      // The vendored table has no search prices: searches are counted, not priced.
      expect(one.cost_breakdown).not.toHaveProperty("tools");
    }
    expect(records.map((one) => one.api)).toEqual(["anthropic", "openai"]);
  });

  it("records the time an admission waited for the limits ledger as queue_ms, 0 when decided at once", async () => {
    const gateway = await detailsGateway();
    await gateway.post("/v1/chat/completions", { model: "limited", messages });
    await gateway.post("/v1/chat/completions", { model: "free", messages });
    const [limited, free] = await gateway.usageRecords();
    expect(limited?.queue_ms).toBeGreaterThan(0);
    expect(limited?.queue_ms).toBeLessThanOrEqual(limited?.latency_ms as number);
    expect(free?.queue_ms).toBe(0);
  });
});

describe("the usage log's attribution: end user and tags", () => {
  it("records the end user (the header over the body's field) and the tags, trimmed and without empty ones", async () => {
    const gateway = await gatewayWith();
    const headers = {
      "x-switchyard-end-user": "user-from-header",
      "x-switchyard-tags": " team:search, env=prod ,, app/v2 ",
    };
    await gateway.post("/v1/chat/completions", { model: "chat", messages, user: "alice" });
    await gateway.post("/v1/chat/completions", { model: "chat", messages, user: "alice" }, headers);
    await gateway.post("/v1/chat/completions", { model: "chat", messages });
    await gateway.post("/v1/messages", {
      model: "free",
      max_tokens: 16,
      messages,
      metadata: { user_id: "carol" },
    });
    await gateway.post("/v1/responses", {
      model: "free",
      input: "Hi",
      store: false,
      safety_identifier: "dave",
    });
    await gateway.post("/gateway/free/invocations", { messages }, { "x-switchyard-end-user": "erin" });
    const records = await gateway.usageRecords();
    expect(records.map((one) => [one.api, one.end_user, one.tags])).toEqual([
      ["openai", "alice", []],
      ["openai", "user-from-header", ["team:search", "env=prod", "app/v2"]],
      ["openai", null, []],
      ["anthropic", "carol", []],
      ["responses", "dave", []],
      ["mlflow", "erin", []],
    ]);
    // The gateway's own headers stay with the gateway: the relayed request did not carry them upstream.
    for (const request of upstream.requests) {
      expect(request.headers["x-switchyard-end-user"]).toBeUndefined();
      expect(request.headers["x-switchyard-tags"]).toBeUndefined();
    }
    expect(upstream.requests[1]?.body).toMatchObject({ user: "alice" });
  });

  it("records a secret sent as an end user or a tag redacted, never as it is", async () => {
    const gateway = await gatewayWith();
    // sk-test is the route's provider key (see gatewayWith).
    await gateway.post(
      "/v1/chat/completions",
      { model: "chat", messages },
      { "x-switchyard-end-user": "oops sk-test", "x-switchyard-tags": "ok,sk-test" },
    );
    const [one] = await gateway.usageRecords();
    expect(one).toMatchObject({ end_user: "oops [REDACTED]", tags: ["ok", "[REDACTED]"] });
    expect(JSON.stringify(one)).not.toContain("sk-test");
  });

  const tooLong = "u".repeat(257);
  const tagCases: [string, string][] = [
    ["a tag with a space", "fine,not fine"],
    ["a tag with a character outside the set", "team;search"],
    ["a tag of 65 characters", `ok,${"t".repeat(65)}`],
    ["17 tags", Array.from({ length: 17 }, (_, index) => `t${index}`).join(",")],
  ];

  it.each(tagCases)(
    "refuses %s with OpenAI's 400 naming the header and what it allows",
    async (_what, tags) => {
      const gateway = await gatewayWith();
      const refused = await gateway.post(
        "/v1/chat/completions",
        { model: "chat", messages },
        { "x-switchyard-tags": tags },
      );
      expectOpenAIBadRequest(refused, {
        code: "invalid_parameter",
        param: "x-switchyard-tags",
        message: expect.stringMatching(
          /x-switchyard-tags.*at most 16 tags.*1 to 64 characters among A-Z a-z 0-9/,
        ),
      });
      expect(upstream.requests).toHaveLength(0);
    },
  );

  it("refuses an end user over 256 characters with OpenAI's 400, from the header or from `user`", async () => {
    const gateway = await gatewayWith();
    const fromHeader = await gateway.post(
      "/v1/chat/completions",
      { model: "chat", messages },
      { "x-switchyard-end-user": tooLong },
    );
    expectOpenAIBadRequest(fromHeader, {
      code: "invalid_parameter",
      param: "x-switchyard-end-user",
      message: expect.stringMatching(/x-switchyard-end-user.*257.*at most 256/),
    });
    const fromBody = await gateway.post("/v1/chat/completions", { model: "chat", messages, user: tooLong });
    expectOpenAIBadRequest(fromBody, {
      code: "invalid_body",
      param: "user",
      message:
        "Invalid 'user': string too long. Expected a string with maximum length 256, but got a string with length 257 instead.",
    });
    expect(upstream.requests).toHaveLength(0);
    // Refused requests are logged like any other bad input.
    expect((await gateway.usageRecords()).map((one) => [one.status, one.error_kind])).toEqual([
      [400, "invalid_parameter"],
      [400, "invalid_body"],
    ]);
  });

  it("refuses bad tags and an end user over 256 characters with Anthropic's 400 on the Messages API", async () => {
    const gateway = await gatewayWith();
    const body = { model: "chat", max_tokens: 16, messages };
    const badTags = await gateway.post("/v1/messages", body, { "x-switchyard-tags": "a b" });
    const longHeader = await gateway.post("/v1/messages", body, { "x-switchyard-end-user": tooLong });
    const longBody = await gateway.post("/v1/messages", { ...body, metadata: { user_id: tooLong } });
    for (const refused of [badTags, longHeader, longBody]) {
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    }
    const message = (response: { body: unknown }) =>
      (response.body as { error: { message: string } }).error.message;
    expect(message(badTags)).toMatch(/x-switchyard-tags.*'a b'.*A-Z a-z 0-9 _ \. : \/ = -/);
    expect(message(longHeader)).toMatch(/x-switchyard-end-user.*at most 256/);
    expect(message(longBody)).toBe("metadata.user_id: must be at most 256 characters long (got 257)");
    expect(upstream.requests).toHaveLength(0);
  });
});

/** OpenAI's 400 for bad input: `invalid_request_error`, with the code, the field or header, and the message. */
function expectOpenAIBadRequest(
  response: { status: number; body: unknown },
  error: { code: string; param: string; message: unknown },
): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ error: { type: "invalid_request_error", ...error } });
}

/** The fields the aggregates count, and `priced`. */
type TestRecord = CountedRecord & { priced: boolean };

function record(
  day: string,
  key: string | null,
  route: string,
  model: string,
  cost: number | null,
): TestRecord {
  return {
    ts_start: `${day}T10:00:00.000Z`,
    route,
    key_id: key,
    model,
    input_tokens: 10,
    output_tokens: 5,
    cost_nano_usd: cost,
    priced: cost !== null,
  };
}

interface Aggregates {
  hourlyRetentionDays: number;
  add(counts: UsageCount[]): void;
  flush(): void | Promise<void>;
  query(query: UsageQuery): UsageRow[] | Promise<UsageRow[]>;
  close(): void | Promise<void>;
}

const hasRedis = requireDebianTool("redis-server", "redis-server");
let redis: RedisServer | undefined;
afterAll(async () => {
  await redis?.close();
});

/** The embedded store's SQLite aggregates, and Redis's written by two replicas (records split between them). */
const BACKENDS: [string, () => Promise<{ writers: Aggregates[]; reader: Aggregates }>][] = [
  [
    "SQLite",
    async () => {
      const sqlite = new SqliteUsageAggregates(join(scratchDir(), "governance.db"));
      return { writers: [sqlite], reader: sqlite };
    },
  ],
  ...(hasRedis
    ? [
        [
          "Redis, two replicas",
          async () => {
            redis ??= await startRedisServer();
            const settings = { url: redis.url, hashTag: `t${Date.now()}`, commandTimeoutMs: 3000 };
            const writers = [new RedisUsageAggregates(settings), new RedisUsageAggregates(settings)];
            for (const writer of writers) expect(await writer.ready()).toBe(true);
            return { writers, reader: writers[0] as Aggregates };
          },
        ] as [string, () => Promise<{ writers: Aggregates[]; reader: Aggregates }>],
      ]
    : []),
];

describe.each(BACKENDS)("usage aggregates (%s)", (_name, open) => {
  it("sum requests, tokens and cost per day, key, route and model, and count unpriced requests apart", async () => {
    const { writers, reader: aggregates } = await open();
    const spread = (records: TestRecord[]) => {
      for (const [index, one] of records.entries()) writers[index % writers.length]?.add(countsOf([one]));
    };
    spread([
      record("2026-05-01", "k1", "chat", "gpt", 1000),
      record("2026-05-01", "k1", "chat", "gpt", 2000),
      record("2026-05-02", "k2", "chat", "gpt", 500),
      record("2026-05-02", null, "embed", "ada", null),
    ]);
    // Every replica writes what it counted (once a second in the service).
    for (const writer of writers) await writer.flush();
    expect(await aggregates.query({ from: "2026-05-01", to: "2026-05-31", groupBy: ["key"] })).toEqual([
      {
        key: null,
        requests: 1,
        input_tokens: 10,
        output_tokens: 5,
        cost_nano_usd: 0,
        cost_usd: "0",
        unpriced_requests: 1,
      },
      {
        key: "k1",
        requests: 2,
        input_tokens: 20,
        output_tokens: 10,
        cost_nano_usd: 3000,
        cost_usd: "0.000003",
        unpriced_requests: 0,
      },
      {
        key: "k2",
        requests: 1,
        input_tokens: 10,
        output_tokens: 5,
        cost_nano_usd: 500,
        cost_usd: "0.0000005",
        unpriced_requests: 0,
      },
    ]);
    aggregates.add(countsOf([record("2026-05-02", "k2", "chat", "gpt", 500)]));
    expect(
      await aggregates.query({
        from: "2026-05-02",
        to: "2026-05-02",
        groupBy: ["route", "model"],
        key: "k2",
      }),
    ).toEqual([
      {
        route: "chat",
        model: "gpt",
        requests: 2,
        input_tokens: 20,
        output_tokens: 10,
        cost_nano_usd: 1000,
        cost_usd: "0.000001",
        unpriced_requests: 0,
      },
    ]);
    for (const writer of writers) await writer.close();
  });
});

describe.each(BACKENDS)("hourly usage aggregates (%s)", (_name, open) => {
  it("sum per UTC hour beside the days, and keep hours only for the configured retention", async () => {
    const { writers, reader: aggregates } = await open();
    const HOUR = 3_600_000;
    const now = Date.now();
    const at = (ms: number, key: string, cost: number | null): TestRecord => ({
      ...record("2026-05-01", key, "chat", "gpt", cost),
      ts_start: new Date(ms).toISOString(),
    });
    const hourOf = (ms: number) => `${new Date(ms).toISOString().slice(0, 13)}:00:00Z`;
    const stored = (ms: number) => new Date(ms).toISOString().slice(0, 13);
    writers[0]?.add(countsOf([at(now, "k1", 1000), at(now, "k1", 2000), at(now - 2 * HOUR, "k2", null)]));
    writers
      .at(-1)
      ?.add(countsOf([at(now - 3 * 86_400_000, "k1", 7000), at(now - 10 * 86_400_000, "k1", 9000)]));
    for (const writer of writers) await writer.flush();
    const query: UsageQuery = {
      bucket: "hour",
      from: stored(now - 20 * 86_400_000),
      to: stored(now),
      groupBy: ["hour", "key"],
    };
    const counted = (rows: UsageRow[]) =>
      rows.map((row) => [row.hour, row.key, row.requests, row.cost_nano_usd, row.unpriced_requests]);
    // Ten days ago is past the default retention (7 days): not kept.
    expect(counted(await aggregates.query(query))).toEqual(
      [
        [hourOf(now - 3 * 86_400_000), "k1", 1, 7000, 0],
        [hourOf(now - 2 * HOUR), "k2", 1, 0, 1],
        [hourOf(now), "k1", 2, 3000, 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    // The days still count everything (a day is kept 400 days).
    const days = await aggregates.query({
      from: new Date(now - 20 * 86_400_000).toISOString().slice(0, 10),
      to: new Date(now).toISOString().slice(0, 10),
      groupBy: [],
    });
    expect(days[0]?.requests).toBe(5);
    // A shorter retention (a reload) hides the hours beyond it at once.
    for (const writer of writers) writer.hourlyRetentionDays = 1;
    expect(counted(await aggregates.query({ ...query, groupBy: ["key"] }))).toEqual([
      [undefined, "k1", 2, 3000, 0],
      [undefined, "k2", 1, 0, 1],
    ]);
    for (const writer of writers) await writer.close();
  });
});

describe("the file sink", () => {
  it("appends JSON lines and rotates by size, keeping the configured number of files", async () => {
    const directory = scratchDir();
    const path = join(directory, "logs", "usage.jsonl");
    const sink = new FileSink(path, 300, 3);
    for (let batch = 0; batch < 6; batch++)
      sink.write([JSON.stringify(record("2026-05-01", `k${batch}`, "chat", "gpt", batch))]);
    await sink.close();
    expect(readdirSync(join(directory, "logs")).sort()).toEqual([
      "usage.jsonl",
      "usage.jsonl.1",
      "usage.jsonl.2",
    ]);
    const newest = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).key_id);
    expect(newest.at(-1)).toBe("k5");
  });
});
