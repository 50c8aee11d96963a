/**
 * What the bench measures: each scenario is one way to get a chat answer from the mock upstream (directly,
 * through the bare proxy, through Portkey, or through one of Switchyard's API paths), with the request to send
 * for an instant answer and for the two paced streams.
 */

export const PORTS = { mock: 18100, proxy: 18101, portkey: 18102, switchyard: 18103 } as const;
export type ServerName = keyof typeof PORTS;
export type UpstreamShape = "openai" | "anthropic";

/** Instant answers; paced streams for time to first token (20 x 10 ms); paced streams for concurrency (20 x 50 ms). */
export type Pace = "instant" | "ttft" | "concurrent";
export const PACING = {
  ttft: { chunks: 20, intervalMs: 10, pathSegment: "/paced-20x10", routeSuffix: "-paced" },
  concurrent: { chunks: 20, intervalMs: 50, pathSegment: "/paced-20x50", routeSuffix: "-paced-slow" },
} as const;

export interface HttpCall {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Scenario {
  id: string;
  label: string;
  server: ServerName;
  upstream: UpstreamShape;
  /** Whether it can stream (the MLflow gateway API cannot). */
  streams: boolean;
  call(pace: Pace): HttpCall;
}

const PROMPT = [{ role: "user", content: "Say hello in twenty words." }];
const JSON_TYPE = { "content-type": "application/json" };
/** The gateway key declared in switchyard-bench.yaml (a bench-only key and pepper). */
const BENCH_KEY = "sk-sy-WZuU6pWlJp7P-Gp1EifEg0mfFciYTt9HQPDq8VLWJXgd56SVg0b8f3ZY1ttniH";
const WITH_KEY = { ...JSON_TYPE, authorization: `Bearer ${BENCH_KEY}` };

function openaiBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: PROMPT,
    max_tokens: 64,
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  });
}

function pathSegment(pace: Pace): string {
  return pace === "instant" ? "" : PACING[pace].pathSegment;
}

function routeName(upstream: UpstreamShape, pace: Pace): string {
  return pace === "instant" ? upstream : `${upstream}${PACING[pace].routeSuffix}`;
}

function direct(upstream: UpstreamShape): Scenario {
  return {
    id: `direct-${upstream}`,
    label: `mock upstream direct (${upstream === "openai" ? "OpenAI" : "Anthropic"}-shaped)`,
    server: "mock",
    upstream,
    streams: true,
    call: (pace) => {
      const stream = pace !== "instant";
      if (upstream === "openai") {
        return {
          path: `${pathSegment(pace)}/v1/chat/completions`,
          headers: JSON_TYPE,
          body: openaiBody("gpt-4o-mini", stream),
        };
      }
      const body = {
        model: "claude-bench",
        max_tokens: 64,
        messages: PROMPT,
        ...(stream && { stream: true }),
      };
      return { path: `${pathSegment(pace)}/v1/messages`, headers: JSON_TYPE, body: JSON.stringify(body) };
    },
  };
}

const bareProxy: Scenario = {
  id: "proxy-openai",
  label: "bare node:http + undici proxy",
  server: "proxy",
  upstream: "openai",
  streams: true,
  call: (pace) => direct("openai").call(pace),
};

function portkey(upstream: UpstreamShape): Scenario {
  return {
    id: `portkey-${upstream}`,
    label: `Portkey 1.15.2 -> ${upstream === "openai" ? "OpenAI" : "Anthropic (translated)"}`,
    server: "portkey",
    upstream,
    streams: true,
    call: (pace) => ({
      path: "/v1/chat/completions",
      // Portkey's custom host replaces the provider's base URL, path prefix included.
      headers: {
        ...JSON_TYPE,
        authorization: "Bearer bench-key",
        "x-portkey-provider": upstream,
        "x-portkey-custom-host": `http://127.0.0.1:${PORTS.mock}${pathSegment(pace)}/v1`,
      },
      body: openaiBody(upstream === "openai" ? "gpt-4o-mini" : "claude-bench", pace !== "instant"),
    }),
  };
}

/** `withKey`: the same path with a gateway key checked on every request (auth on). */
function switchyardOpenAI(upstream: UpstreamShape, withKey = false): Scenario {
  return {
    id: `switchyard-openai-api-${upstream}${withKey ? "-key" : ""}`,
    label: `Switchyard OpenAI API -> ${upstream === "openai" ? "OpenAI (pass-through)" : "Anthropic (translated)"}${withKey ? ", gateway key" : ""}`,
    server: "switchyard",
    upstream,
    streams: true,
    call: (pace) => ({
      path: "/v1/chat/completions",
      headers: withKey ? WITH_KEY : JSON_TYPE,
      body: openaiBody(routeName(upstream, pace), pace !== "instant"),
    }),
  };
}

/**
 * The pass-through path on routes with five limits (rpm, rph, rpd, tpm, concurrency; never reached): what
 * admission before the call and settle after it add, next to `switchyard-openai-api-openai`.
 */
const switchyardLimited: Scenario = {
  id: "switchyard-openai-api-openai-limits",
  label: "Switchyard OpenAI API -> OpenAI (pass-through), 5 limits",
  server: "switchyard",
  upstream: "openai",
  streams: true,
  call: (pace) => ({
    path: "/v1/chat/completions",
    headers: JSON_TYPE,
    body: openaiBody(`${routeName("openai", pace)}-limits`, pace !== "instant"),
  }),
};

/**
 * An OpenAI-compatible provider that is not OpenAI, on the same OpenAI-shaped upstream: Mistral, whose declared
 * differences (strict allow-list, `stream_options` dropped, `seed` renamed, temperature scaled, usage moved to a
 * chunk of its own) are applied to every relayed request and stream. Its figures sit beside the OpenAI
 * pass-through's: the issue asks that such providers relay as fast as OpenAI does.
 */
const switchyardMistral: Scenario = {
  id: "switchyard-openai-api-mistral",
  label: "Switchyard OpenAI API -> Mistral (pass-through, allow-list applied)",
  server: "switchyard",
  upstream: "openai",
  streams: true,
  call: (pace) => ({
    path: "/v1/chat/completions",
    headers: JSON_TYPE,
    body: openaiBody(
      pace === "instant" ? "mistral" : `mistral${PACING[pace].routeSuffix}`,
      pace !== "instant",
    ),
  }),
};

function switchyardMlflow(upstream: UpstreamShape, withKey = false): Scenario {
  return {
    id: `switchyard-mlflow-api-${upstream}${withKey ? "-key" : ""}`,
    label: `Switchyard MLflow API -> ${upstream === "openai" ? "OpenAI" : "Anthropic"} (translated)${withKey ? ", gateway key" : ""}`,
    server: "switchyard",
    upstream,
    streams: false,
    call: () => ({
      path: `/gateway/${upstream}/invocations`,
      headers: withKey ? WITH_KEY : JSON_TYPE,
      body: JSON.stringify({ messages: PROMPT, max_tokens: 64 }),
    }),
  };
}

/** Anthropic's Messages API, as Claude Code calls it: relayed to an Anthropic route, translated for OpenAI. */
function switchyardMessages(upstream: UpstreamShape): Scenario {
  return {
    id: `switchyard-anthropic-api-${upstream}`,
    label: `Switchyard Anthropic API -> ${upstream === "anthropic" ? "Anthropic (pass-through)" : "OpenAI (translated)"}`,
    server: "switchyard",
    upstream,
    streams: true,
    call: (pace) => ({
      path: "/v1/messages",
      headers: { ...JSON_TYPE, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: routeName(upstream, pace),
        max_tokens: 64,
        messages: PROMPT,
        ...(pace !== "instant" && { stream: true }),
      }),
    }),
  };
}

export const SCENARIOS: readonly Scenario[] = [
  direct("openai"),
  direct("anthropic"),
  bareProxy,
  portkey("openai"),
  portkey("anthropic"),
  switchyardOpenAI("openai"),
  switchyardOpenAI("openai", true),
  switchyardOpenAI("anthropic"),
  switchyardLimited,
  switchyardMistral,
  switchyardMlflow("openai"),
  switchyardMlflow("openai", true),
  switchyardMlflow("anthropic"),
  switchyardMessages("anthropic"),
  switchyardMessages("openai"),
];

/** The direct call each scenario's added latency is measured against: the same upstream, no hop. */
export function baselineOf(scenario: Scenario): string {
  return `direct-${scenario.upstream}`;
}

export function urlOf(scenario: Scenario): string {
  return `http://127.0.0.1:${PORTS[scenario.server]}`;
}
