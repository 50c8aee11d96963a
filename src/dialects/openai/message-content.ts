import { isRecord, optionalString } from "../narrow.js";

/** An assistant message's (or stream delta's) text and reasoning, as compatible servers send them. */
export interface MessageText {
  content: string | undefined;
  reasoning: string | undefined;
}

/**
 * Reads `content` and the reasoning text of an OpenAI-shaped assistant message or stream delta. Reasoning is
 * `reasoning_content` (DeepSeek, https://api-docs.deepseek.com/guides/reasoning_model) or `reasoning` (vLLM,
 * Groq, OpenRouter). `content` may be a list of typed chunks instead of a string: Mistral's Magistral models send
 * `{"type": "text", "text"}` and `{"type": "thinking", "thinking": [chunks]}`
 * (https://docs.mistral.ai/capabilities/reasoning/), and Databricks' reasoning models
 * `{"type": "reasoning", "summary": [{"type": "summary_text", "text"}]}`
 * (https://docs.databricks.com/aws/en/machine-learning/model-serving/query-reason-models); text chunks are the
 * content, the others reasoning.
 */
export function readMessageText(message: Record<string, unknown>): MessageText {
  let reasoning = optionalString(message.reasoning_content) ?? optionalString(message.reasoning);
  const { content } = message;
  if (!Array.isArray(content)) return { content: optionalString(content), reasoning };
  let text: string | undefined;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === "text" && typeof part.text === "string") text = (text ?? "") + part.text;
    else if (part.type === "thinking" || part.type === "reasoning") {
      const thought = thinkingText(part.type === "thinking" ? part.thinking : part.summary);
      if (thought !== "") reasoning = (reasoning ?? "") + thought;
    }
  }
  return { content: text, reasoning };
}

function thinkingText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value.map((part) => (isRecord(part) ? (optionalString(part.text) ?? "") : "")).join("");
}
