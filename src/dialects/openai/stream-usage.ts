import { isRecord } from "../narrow.js";
import { usageOfChunk } from "./usage.js";

/**
 * For servers that put the usage on their last content chunk whether asked or not (Mistral, Together,
 * Fireworks; Groq in `x_groq.usage`), what OpenAI clients expect instead
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options): the chunk without
 * `usage`, then, only if the client asked with `stream_options.include_usage`, a chunk of its own with
 * `choices: []` and the usage. Undefined when `data` carries no usage (the chunk is relayed as it is).
 */
export function splitStreamUsage(data: string, includeUsage: boolean): string[] | undefined {
  if (!data.includes('"usage"')) return undefined;
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    // Not JSON: the relay's frame reader reports it; nothing to split.
    return undefined;
  }
  if (!isRecord(chunk)) return undefined;
  const usage = usageOfChunk(chunk);
  if (usage === undefined) return undefined;
  const { usage: _usage, ...rest } = chunk;
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const texts = choices.length === 0 ? [] : [JSON.stringify(rest)];
  if (includeUsage) {
    const { id, object, created, model } = chunk;
    texts.push(JSON.stringify({ id, object, created, model, choices: [], usage }));
  }
  return texts;
}
