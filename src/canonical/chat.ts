import type { FinishReason } from "./finish-reason.js";
import type { SamplingParameters } from "./sampling.js";
import type { Usage } from "./usage.js";

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool";

/** A part of a multi-part message. Only text is understood by every provider; other parts pass through. */
export type ContentPart = { type: "text"; text: string } | { type: string; [key: string]: unknown };

/**
 * An image part, in the shape every ingress decodes images to and every egress encodes from: OpenAI's
 * `image_url` part. `url` is an http(s) URL or a `data:<media type>;base64,<data>` URL.
 */
export interface ImagePart {
  type: "image_url";
  image_url: { url: string; detail?: string };
}

/**
 * What a model reasoned before answering (Anthropic's thinking blocks, OpenAI's reasoning items, Cohere's
 * thinking content). Kept apart from `content` so that encoders which know nothing of reasoning never send it.
 */
export interface Reasoning {
  /** The reasoning text, or its summary; "" when the provider withheld it. */
  text: string;
  /**
   * The opaque token the producing upstream needs to accept this reasoning back in a later turn (Anthropic's
   * `signature`, OpenAI's `encrypted_content`). It is valid only for upstreams of the same `origin`.
   */
  signature?: string;
  /** Anthropic's `redacted_thinking` data: encrypted reasoning without text. */
  redacted?: string;
  /**
   * The wire family whose upstreams accept `signature` / `redacted` back (`anthropic`, `openai`, `cohere`), set by
   * the decoder that read it; undefined when unknown. Encoders send a signature only to its own family.
   */
  origin?: string;
}

/** The reasoning's text, all parts joined (for wire formats that carry it as one text, `reasoning_content`). */
export function reasoningText(reasoning: readonly Reasoning[] | undefined): string {
  let text = "";
  for (const part of reasoning ?? []) text += part.text;
  return text;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the JSON text the model produced (not parsed: it may be incomplete or invalid). */
  arguments: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string | ContentPart[] | null;
  /** Calls the assistant asked for (assistant messages only). */
  toolCalls?: ToolCall[];
  /** The call a tool message answers (tool messages only). */
  toolCallId?: string;
  name?: string;
  /** What the assistant reasoned before this message (assistant messages only), in order. */
  reasoning?: Reasoning[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict?: boolean };

/** How hard a reasoning model should think, on OpenAI's scale (the widest of the providers'). */
export type ReasoningEffort = "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

/**
 * A request for reasoning. Providers take either an effort or a token budget; each encoder converts the one
 * given into its own (the conversions are documented with each provider).
 */
export interface ReasoningRequest {
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Whether (and how) the provider should return a summary of its reasoning, where it can. */
  summary?: "auto" | "concise" | "detailed";
}

export interface ChatRequest extends SamplingParameters {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** Ask the model to reason first. Only targets that declare the `reasoning` feature can honour it. */
  reasoning?: ReasoningRequest;
  /** Sample from the K most likely tokens only. Only targets that declare the `top_k` feature can honour it. */
  topK?: number;
  /** false: at most one tool call per turn. */
  parallelToolCalls?: boolean;
}

/**
 * Request features that not every target can honour. A target declares the ones it can; a request that needs
 * one is never sent to a target without it (routing/feature-support.ts): it gets a 400 naming the feature.
 */
export const CHAT_FEATURES = ["reasoning", "top_k"] as const;
export type ChatFeature = (typeof CHAT_FEATURES)[number];

/** The features a request needs its target to honour. */
export function requiredFeatures(request: ChatRequest): ChatFeature[] {
  const features: ChatFeature[] = [];
  if (request.reasoning !== undefined) features.push("reasoning");
  if (request.topK !== undefined) features.push("top_k");
  return features;
}

export interface ChatChoice {
  index: number;
  message: { role: "assistant"; content: string | null; toolCalls?: ToolCall[]; reasoning?: Reasoning[] };
  finishReason: FinishReason;
}

export interface ChatResponse {
  /** The upstream's id for this response, when it gave one. */
  id: string | null;
  /** The model that answered, as the upstream names it. */
  model: string;
  /** Unix seconds. */
  created: number;
  choices: ChatChoice[];
  usage: Usage;
}

/** Concatenates the text parts of a message's content; non-text parts are skipped. */
export function textOfContent(content: ChatMessage["content"]): string {
  if (content === null) return "";
  if (typeof content === "string") return content;
  let text = "";
  for (const part of content) {
    if (part.type === "text" && typeof part.text === "string") text += part.text;
  }
  return text;
}
