/**
 * What the bench measures: each scenario is one way to get a chat answer from the mock upstream (directly,
 * through the bare proxy, through Portkey, or through one of Switchyard's API paths), with the request to send
 * for an instant answer and for the two paced streams.
 */

export const PORTS = {
  mock: 18100,
  proxy: 18101,
  portkey: 18102,
  switchyard: 18103,
  /** The same Switchyard and config with tracing on (spans exported to the mock's OTLP endpoint). */
  "switchyard-traced": 18104,
} as const;
export type ServerName = keyof typeof PORTS;
export type UpstreamShape = "openai" | "anthropic";

/**
 * Instant answers; paced streams for time to first token and per-token latency (64 deltas 20 ms apart, as the
 * independent cross-gateway benchmark paces them); paced streams for concurrency (20 x 50 ms); a 20 ms upstream
 * for sustained throughput.
 */
export type Pace = "instant" | "ttft" | "concurrent" | "sustained";
export const PACING = {
  ttft: { chunks: 64, intervalMs: 20, pathSegment: "/paced-64x20", routeSuffix: "-paced" },
  concurrent: { chunks: 20, intervalMs: 50, pathSegment: "/paced-20x50", routeSuffix: "-paced-slow" },
} as const;
export const UPSTREAM_DELAY = { delayMs: 20, pathSegment: "/delay-20", routeSuffix: "-delay" } as const;

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
  /** Whether the request or answer is translated between dialects (its throughput target is lower). */
  translated: boolean;
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
  if (pace === "instant") return "";
  return pace === "sustained" ? UPSTREAM_DELAY.pathSegment : PACING[pace].pathSegment;
}

/** The bench config's route for an upstream shape (or provider) and pace: `openai`, `openai-paced`, ... */
function routeName(upstream: string, pace: Pace): string {
  if (pace === "instant") return upstream;
  return `${upstream}${pace === "sustained" ? UPSTREAM_DELAY.routeSuffix : PACING[pace].routeSuffix}`;
}

function direct(upstream: UpstreamShape): Scenario {
  return {
    id: `direct-${upstream}`,
    label: `mock upstream direct (${upstream === "openai" ? "OpenAI" : "Anthropic"}-shaped)`,
    server: "mock",
    upstream,
    streams: true,
    translated: false,
    call: (pace) => {
      const stream = pace === "ttft" || pace === "concurrent";
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
  translated: false,
  call: (pace) => direct("openai").call(pace),
};

function portkey(upstream: UpstreamShape): Scenario {
  return {
    id: `portkey-${upstream}`,
    label: `Portkey 1.15.2 -> ${upstream === "openai" ? "OpenAI" : "Anthropic (translated)"}`,
    server: "portkey",
    upstream,
    streams: true,
    translated: upstream !== "openai",
    call: (pace) => ({
      path: "/v1/chat/completions",
      // Portkey's custom host replaces the provider's base URL, path prefix included.
      headers: {
        ...JSON_TYPE,
        authorization: "Bearer bench-key",
        "x-portkey-provider": upstream,
        "x-portkey-custom-host": `http://127.0.0.1:${PORTS.mock}${pathSegment(pace)}/v1`,
      },
      body: openaiBody(upstream === "openai" ? "gpt-4o-mini" : "claude-bench", streamed(pace)),
    }),
  };
}

function streamed(pace: Pace): boolean {
  return pace === "ttft" || pace === "concurrent";
}

/**
 * `variant`: "key" is the same path with a gateway key checked on every request (auth on); "traced" is the
 * same path on the Switchyard with tracing on.
 */
function switchyardOpenAI(upstream: UpstreamShape, variant?: "key" | "traced"): Scenario {
  const suffix = variant === undefined ? "" : `-${variant}`;
  const note = variant === "key" ? ", gateway key" : variant === "traced" ? ", tracing on" : "";
  return {
    id: `switchyard-openai-api-${upstream}${suffix}`,
    label: `Switchyard OpenAI API -> ${upstream === "openai" ? "OpenAI (pass-through)" : "Anthropic (translated)"}${note}`,
    server: variant === "traced" ? "switchyard-traced" : "switchyard",
    upstream,
    streams: true,
    translated: upstream !== "openai",
    call: (pace) => ({
      path: "/v1/chat/completions",
      headers: variant === "key" ? WITH_KEY : JSON_TYPE,
      body: openaiBody(routeName(upstream, pace), streamed(pace)),
    }),
  };
}

/**
 * The pass-through path on routes with five limits (rpm, rph, rpd, tpm, concurrency; never reached): what
 * admission before the call and settle after it add, next to `switchyard-openai-api-openai`; with a gateway key
 * too, auth and limits on together.
 */
function switchyardLimited(withKey: boolean): Scenario {
  return {
    id: `switchyard-openai-api-openai${withKey ? "-key" : ""}-limits`,
    label: `Switchyard OpenAI API -> OpenAI (pass-through), ${withKey ? "gateway key and " : ""}5 limits`,
    server: "switchyard",
    upstream: "openai",
    streams: true,
    translated: false,
    call: (pace) => ({
      path: "/v1/chat/completions",
      headers: withKey ? WITH_KEY : JSON_TYPE,
      body: openaiBody(`${routeName("openai", pace)}-limits`, streamed(pace)),
    }),
  };
}

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
  translated: false,
  call: (pace) => ({
    path: "/v1/chat/completions",
    headers: JSON_TYPE,
    body: openaiBody(routeName("mistral", pace), streamed(pace)),
  }),
};

function switchyardMlflow(upstream: UpstreamShape, withKey = false): Scenario {
  return {
    id: `switchyard-mlflow-api-${upstream}${withKey ? "-key" : ""}`,
    label: `Switchyard MLflow API -> ${upstream === "openai" ? "OpenAI" : "Anthropic"} (translated)${withKey ? ", gateway key" : ""}`,
    server: "switchyard",
    upstream,
    streams: false,
    translated: true,
    call: (pace) => ({
      path: `/gateway/${routeName(upstream, pace)}/invocations`,
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
    translated: upstream !== "anthropic",
    call: (pace) => ({
      path: "/v1/messages",
      headers: { ...JSON_TYPE, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: routeName(upstream, pace),
        max_tokens: 64,
        messages: PROMPT,
        ...(streamed(pace) && { stream: true }),
      }),
    }),
  };
}

/**
 * OpenAI's Responses API, as Codex calls it (`store: false`, the conversation sent whole): relayed to an OpenAI
 * route (the upstream's own /v1/responses, which the bench mock serves), translated both ways for Anthropic.
 */
function switchyardResponses(upstream: UpstreamShape): Scenario {
  return {
    id: `switchyard-responses-api-${upstream}`,
    label: `Switchyard Responses API -> ${upstream === "openai" ? "OpenAI (pass-through)" : "Anthropic (translated)"}`,
    server: "switchyard",
    upstream,
    streams: true,
    translated: upstream !== "openai",
    call: (pace) => ({
      path: "/v1/responses",
      headers: JSON_TYPE,
      body: JSON.stringify({
        model: routeName(upstream, pace),
        input: PROMPT,
        max_output_tokens: 64,
        store: false,
        ...(streamed(pace) && { stream: true }),
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
  switchyardOpenAI("openai", "key"),
  switchyardOpenAI("openai", "traced"),
  switchyardOpenAI("anthropic"),
  switchyardOpenAI("anthropic", "traced"),
  switchyardLimited(false),
  switchyardLimited(true),
  switchyardMistral,
  switchyardMlflow("openai"),
  switchyardMlflow("openai", true),
  switchyardMlflow("anthropic"),
  switchyardMessages("anthropic"),
  switchyardMessages("openai"),
  switchyardResponses("openai"),
  switchyardResponses("anthropic"),
];

/** Whether a scenario goes through Switchyard (with or without tracing). */
export function isSwitchyard(scenario: { server: string }): boolean {
  return scenario.server === "switchyard" || scenario.server === "switchyard-traced";
}

/** The direct call each scenario's added latency is measured against: the same upstream, no hop. */
export function baselineOf(scenario: Scenario): string {
  return `direct-${scenario.upstream}`;
}

export function urlOf(scenario: Scenario): string {
  return `http://127.0.0.1:${PORTS[scenario.server]}`;
}

/** A scenario's request against the instant upstream, by the scenario's id. */
export function instantCallOf(id: string): HttpCall {
  const scenario = SCENARIOS.find((candidate) => candidate.id === id);
  if (scenario === undefined) throw new Error(`no scenario ${id}`);
  return scenario.call("instant");
}

/**
 * The old paths that `bench:compare` and `bench:attribute` run on routes-only configs (switchyard-old-paths.yaml):
 * the OpenAI API relayed to an OpenAI upstream, and translated to an Anthropic one.
 */
export const OLD_PATH_ROUTES: Record<string, { label: string; scenario: string }> = {
  openai: { label: "OpenAI API -> OpenAI (pass-through)", scenario: "switchyard-openai-api-openai" },
  anthropic: { label: "OpenAI API -> Anthropic (translated)", scenario: "switchyard-openai-api-anthropic" },
};
