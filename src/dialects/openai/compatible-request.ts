import { createHash } from "node:crypto";
import { GatewayError } from "../../canonical/index.js";
import { isRecord, type JsonRecord } from "../narrow.js";

/**
 * How an OpenAI-compatible server's request body differs from OpenAI's, as data. Each provider declares only its
 * differences (see providers/openai-compatible.ts); the adapter built from them rewrites a body already in
 * OpenAI's shape, whether the client sent it (pass-through) or the gateway encoded it from the canonical model.
 * A field the provider would refuse is renamed, removed, or refused with a 400 naming it: never sent on to come
 * back as a bare upstream 422.
 */
export interface RequestQuirks {
  /** Fields the provider knows under another name (`seed` -> `random_seed`). */
  rename?: Readonly<Record<string, string>>;
  /**
   * Fields removed without a word: the provider would refuse them, and removing them changes nothing the client
   * relies on (`user`, `store`, `stream_options` where usage comes anyway, ...).
   */
  drop?: readonly string[];
  /** Fields refused with a 400: the client asks for something the provider cannot do. Value: why. */
  refuse?: Readonly<Record<string, string>>;
  /**
   * Strict providers (Mistral answers 422 `extra_forbidden` to any unknown field): the fields accepted, after
   * renaming. Any other field is refused with a 400 that lists them.
   */
  allow?: readonly string[];
  /** Message roles the provider knows under another name (`developer` -> `system`). */
  roles?: Readonly<Record<string, string>>;
  /** `stop` must be a list even for one sequence. */
  stopAsList?: boolean;
  /** The most candidates (`n`) one request may ask for; `n: 1` is removed when this is 1. */
  maxCandidates?: number;
  /** The provider's temperature range over OpenAI's (0..2): a value keeps its share of the range. */
  temperatureScale?: number;
  /** Tool-call ids must be exactly nine letters or digits (Mistral): others are rewritten, consistently. */
  toolCallIds?: "nine-alphanumeric";
  /**
   * The one shape the server takes for a completions `prompt`: `string` (a list of one is unwrapped; longer
   * lists never reach it, routing sends one request per prompt) or `list` (a string is wrapped: TGI).
   */
  promptShape?: "string" | "list";
  /** Message fields the provider refuses (Groq answers 400 to `messages[].name`); removed from every message. */
  dropMessageFields?: readonly string[];
  /**
   * The provider takes constrained output as Hugging Face TGI's grammar (`{"type": "json", "value": schema}`,
   * https://huggingface.co/docs/text-generation-inference/basic_tutorials/using_guidance), not OpenAI's
   * `response_format`: OpenAI's JSON mode and JSON schema are rewritten to it.
   */
  responseFormat?: "tgi-grammar";
  /** Assistant tool calls carry their position as `index` (Together's `ToolChoice` requires it). */
  indexToolCalls?: boolean;
  /**
   * The provider's name for a tool's JSON schema: TGI's `FunctionDefinition` has `arguments` where OpenAI has
   * `parameters`.
   */
  toolParametersAs?: "arguments";
  /**
   * Above this `max_tokens` the provider only answers streamed requests (Fireworks: "Requests with max_tokens >
   * 4096 must have stream=true"); a non-streamed request above it is refused with a 400 naming the field.
   */
  maxTokensWithoutStream?: number;
  /**
   * The values the provider's `reasoning_effort` takes: a client's effort becomes the nearest of them (see
   * nearestEffort). Absent, the provider has no reasoning parameter, and `reasoning_effort` is dropped: reasoning
   * is a hint, which a model that cannot be told how hard to think simply does not follow.
   */
  reasoningEfforts?: readonly string[];
  /** Only the models whose id matches take `reasoning_effort` (the others refuse it): it is dropped for them. */
  reasoningModels?: RegExp;
}

/** Efforts from least to most, OpenAI's and the canonical ones. */
const EFFORT_SCALE = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

/**
 * The accepted effort nearest to the one asked for, the greater one on a tie (`medium` between `low` and
 * `high` is `high`, as DeepSeek maps it itself); `none` (no reasoning) stays `none` or is left out.
 */
export function nearestEffort(effort: unknown, accepted: readonly string[]): string | undefined {
  if (typeof effort !== "string") return undefined;
  if (accepted.includes(effort)) return effort;
  const wanted = EFFORT_SCALE.indexOf(effort);
  if (wanted <= 0) return undefined;
  let best: string | undefined;
  let distance = Number.POSITIVE_INFINITY;
  for (const candidate of accepted) {
    const at = EFFORT_SCALE.indexOf(candidate);
    if (at <= 0) continue;
    const gap = Math.abs(at - wanted);
    if (gap < distance || (gap === distance && at > wanted)) {
      best = candidate;
      distance = gap;
    }
  }
  return best;
}

export type RequestAdapter = (body: JsonRecord) => JsonRecord;

/**
 * Builds the body rewriter for one target. `model` is what the body's `model` becomes (the route names the
 * upstream model), or null to leave `model` out. Everything is looked up in tables built here, once per target,
 * so a body costs one pass over its top-level keys (plus its messages, only for role or id rewrites).
 */
export function createRequestAdapter(
  quirks: RequestQuirks,
  provider: string,
  model: string | null,
): RequestAdapter {
  const rename = new Map(Object.entries(quirks.rename ?? {}));
  const drop = new Set(quirks.drop ?? []);
  const refuse = new Map(Object.entries(quirks.refuse ?? {}));
  const allow = quirks.allow === undefined ? undefined : new Set(["model", ...quirks.allow]);
  const scale = quirks.temperatureScale;
  const roles = quirks.roles;
  const rewritesMessages =
    roles !== undefined ||
    quirks.toolCallIds !== undefined ||
    quirks.dropMessageFields !== undefined ||
    quirks.indexToolCalls === true;
  const streamOnlyAbove = quirks.maxTokensWithoutStream;
  const efforts =
    quirks.reasoningModels === undefined || quirks.reasoningModels.test(model ?? "")
      ? quirks.reasoningEfforts
      : undefined;

  return (body) => {
    const out: JsonRecord = model === null ? {} : { model };
    for (const key in body) {
      if (key === "model") continue;
      let value = body[key];
      // SDKs and frameworks send explicit nulls for options they leave unset: nothing is asked for.
      if (value === null || drop.has(key)) continue;
      if (key === "response_format" && quirks.responseFormat === "tgi-grammar" && isPlainText(value))
        continue;
      const why = refuse.get(key);
      if (why !== undefined) throw refused(key, `${provider} ${why}`);
      const name = rename.get(key) ?? key;
      if (allow !== undefined && !allow.has(name)) throw notAccepted(key, provider, allow);
      if (key === "temperature" && scale !== undefined && typeof value === "number") value *= scale;
      else if (key === "stop" && quirks.stopAsList === true && typeof value === "string") value = [value];
      else if (key === "n" && quirks.maxCandidates !== undefined && typeof value === "number") {
        if (value > quirks.maxCandidates) throw tooManyCandidates(provider, quirks.maxCandidates, value);
        if (quirks.maxCandidates === 1) continue;
      } else if (key === "prompt" && quirks.promptShape !== undefined) {
        value = promptOfShape(value, quirks.promptShape);
      } else if (key === "messages" && rewritesMessages && Array.isArray(value)) {
        value = rewriteMessages(value, quirks);
      } else if (key === "tools" && quirks.toolParametersAs !== undefined && Array.isArray(value)) {
        value = value.map((tool) => renameToolParameters(tool, quirks.toolParametersAs ?? "parameters"));
      } else if (key === "response_format" && quirks.responseFormat === "tgi-grammar") {
        value = tgiGrammar(value);
      } else if (key === "reasoning_effort") {
        value = efforts === undefined ? undefined : nearestEffort(value, efforts);
        if (value === undefined) continue;
      } else if (streamOnlyAbove !== undefined && (key === "max_tokens" || key === "max_completion_tokens")) {
        if (typeof value === "number" && value > streamOnlyAbove && body.stream !== true) {
          throw refused(
            key,
            `${provider} answers more than ${streamOnlyAbove} tokens only to streamed requests; lower it, or set 'stream': true`,
          );
        }
      }
      out[name] = value;
    }
    return out;
  };
}

function renameToolParameters(tool: unknown, name: string): unknown {
  if (!isRecord(tool) || !isRecord(tool.function) || !("parameters" in tool.function)) return tool;
  const { parameters, ...rest } = tool.function;
  return { ...tool, function: { ...rest, [name]: parameters } };
}

function promptOfShape(prompt: unknown, shape: "string" | "list"): unknown {
  if (shape === "list") return typeof prompt === "string" ? [prompt] : prompt;
  return Array.isArray(prompt) && prompt.length === 1 ? prompt[0] : prompt;
}

/** OpenAI's `response_format` as TGI's grammar; `text` (no constraint) is left out. */
function tgiGrammar(format: unknown): unknown {
  if (!isRecord(format)) return format;
  if (format.type === "json_object") return { type: "json", value: { type: "object" } };
  if (format.type === "json_schema" && isRecord(format.json_schema)) {
    const { name, schema } = format.json_schema;
    return {
      type: "json_schema",
      value: { ...(typeof name === "string" && { name }), schema: schema ?? {} },
    };
  }
  return format;
}

function isPlainText(format: unknown): boolean {
  return isRecord(format) && format.type === "text";
}

function rewriteMessages(messages: unknown[], quirks: RequestQuirks): unknown[] {
  const roles = quirks.roles ?? {};
  const fixIds = quirks.toolCallIds === "nine-alphanumeric";
  const dropFields = quirks.dropMessageFields ?? [];
  let copy: unknown[] | undefined;
  messages.forEach((message, position) => {
    if (!isRecord(message)) return;
    let fixed: JsonRecord | undefined;
    const role = typeof message.role === "string" ? roles[message.role] : undefined;
    if (role !== undefined) fixed = { ...message, role };
    if (dropFields.some((field) => field in message)) {
      fixed = { ...(fixed ?? message) };
      for (const field of dropFields) delete fixed[field];
    }
    if (fixIds && typeof message.tool_call_id === "string" && !isNineAlphanumeric(message.tool_call_id)) {
      fixed = { ...(fixed ?? message), tool_call_id: nineAlphanumeric(message.tool_call_id) };
    }
    if (fixIds && Array.isArray(message.tool_calls) && message.tool_calls.some(needsNewId)) {
      const calls = message.tool_calls.map((call) =>
        needsNewId(call) && isRecord(call) ? { ...call, id: nineAlphanumeric(String(call.id)) } : call,
      );
      fixed = { ...(fixed ?? message), tool_calls: calls };
    }
    const calls = (fixed ?? message).tool_calls;
    if (quirks.indexToolCalls === true && Array.isArray(calls)) {
      const indexed = calls.map((call, index) =>
        isRecord(call) && call.index === undefined ? { ...call, index } : call,
      );
      fixed = { ...(fixed ?? message), tool_calls: indexed };
    }
    if (fixed === undefined) return;
    copy ??= [...messages];
    copy[position] = fixed;
  });
  return copy ?? messages;
}

function needsNewId(call: unknown): boolean {
  return isRecord(call) && typeof call.id === "string" && !isNineAlphanumeric(call.id);
}

const NINE_ALPHANUMERIC = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function isNineAlphanumeric(id: string): boolean {
  return NINE_ALPHANUMERIC.test(id);
}

/**
 * A stable nine-character id for another provider's tool-call id (`call_...`, `toolu_...`): the same input gives
 * the same output, so an assistant's call and the tool message answering it still match
 * (https://docs.mistral.ai/capabilities/function_calling/: ids are `[a-zA-Z0-9]{9}`).
 */
export function nineAlphanumeric(id: string): string {
  const digest = createHash("sha256").update(id).digest();
  let out = "";
  for (let index = 0; index < 9; index++) out += ALPHABET[(digest[index] ?? 0) % ALPHABET.length];
  return out;
}

function refused(key: string, why: string): GatewayError {
  return new GatewayError("parameter_unsupported", `'${key}' is not supported: ${why}.`, { param: key });
}

function notAccepted(key: string, provider: string, allow: Set<string>): GatewayError {
  const accepted = [...allow].filter((name) => name !== "model").join(", ");
  return new GatewayError(
    "parameter_unsupported",
    `'${key}' is not a parameter ${provider} accepts (it refuses unknown fields). Accepted: ${accepted}.`,
    { param: key },
  );
}

function tooManyCandidates(provider: string, most: number, asked: number): GatewayError {
  const one = most === 1;
  return new GatewayError(
    "parameter_unsupported",
    `${provider} returns ${one ? "one candidate" : `at most ${most} candidates`} per request; the request must ask for ${one ? "a single candidate" : `${most} or fewer`} (got ${asked}).`,
    { param: "n" },
  );
}
