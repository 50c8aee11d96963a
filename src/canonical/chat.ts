import type { FinishReason } from "./finish-reason.js";
import type { SamplingParameters } from "./sampling.js";
import type { Usage } from "./usage.js";

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool";

/** A part of a multi-part message. Only text is understood by every provider; other parts pass through. */
export type ContentPart = { type: "text"; text: string } | { type: string; [key: string]: unknown };

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
  /**
   * The reasoning text an assistant turn came with (OpenAI-compatible `reasoning_content`). Kept per turn because
   * some providers require it back in later requests (DeepSeek's thinking mode).
   */
  reasoning?: string;
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

export interface ChatRequest extends SamplingParameters {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
}

export interface ChatChoice {
  index: number;
  message: {
    role: "assistant";
    content: string | null;
    toolCalls?: ToolCall[];
    /** What a reasoning model thought before answering, when the upstream shows it (`reasoning_content`,
     * Anthropic's thinking blocks). */
    reasoning?: string;
  };
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
