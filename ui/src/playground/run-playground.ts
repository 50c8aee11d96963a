import { type PlannedRequest, SOURCE_HEADER } from "./playground-request.js";
import { SseFrames } from "./sse-frames.js";

/** The raw response shown is cut here: a long stream must not grow the page without bound. */
const RAW_LIMIT_CHARS = 256 * 1024;

export interface PlaygroundResult {
  running: boolean;
  status: number | null;
  /** The answer so far (text), or a summary of the embeddings. */
  answer: string;
  /** Network reads that added to the answer: more than one means it arrived streamed, piece by piece. */
  pieces: number;
  ttftMs: number | null;
  totalMs: number | null;
  usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; cost?: number } | null;
  /**
   * What the call cost in USD, as the gateway priced it (`x-switchyard-cost-usd`, or `usage.cost` in the last
   * chunk of a stream); null while unknown or when the model has no price.
   */
  costUsd: string | null;
  /** Which target served, and after how many attempts (the gateway's response headers). */
  target: string | null;
  attempts: string | null;
  error: string | null;
  rawResponse: string;
}

export const EMPTY_RESULT: PlaygroundResult = {
  running: false,
  status: null,
  answer: "",
  pieces: 0,
  ttftMs: null,
  totalMs: null,
  usage: null,
  costUsd: null,
  target: null,
  attempts: null,
  error: null,
  rawResponse: "",
};

/**
 * Sends the request through the gateway's public API and reports progress as bytes arrive: each streamed
 * piece is shown the moment it is read, with the time to the first one.
 */
export async function runPlayground(
  planned: PlannedRequest,
  apiKey: string,
  signal: AbortSignal,
  update: (result: PlaygroundResult) => void,
): Promise<void> {
  const started = performance.now();
  const result: PlaygroundResult = { ...EMPTY_RESULT, running: true };
  const emit = (): void => update({ ...result });
  emit();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    [SOURCE_HEADER[0]]: SOURCE_HEADER[1],
  };
  if (apiKey !== "") headers.authorization = `Bearer ${apiKey}`;
  try {
    const response = await fetch(planned.path, {
      method: "POST",
      headers,
      body: JSON.stringify(planned.body),
      signal,
    });
    result.status = response.status;
    result.target = response.headers.get("x-switchyard-target");
    result.attempts = response.headers.get("x-switchyard-attempts");
    result.costUsd = response.headers.get("x-switchyard-cost-usd");
    result.rawResponse = `HTTP ${response.status}\ncontent-type: ${response.headers.get("content-type") ?? ""}\n\n`;
    const streamed = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
    if (!streamed || response.body === null) {
      const text = await response.text();
      result.rawResponse += text.slice(0, RAW_LIMIT_CHARS);
      readWhole(text, response.ok, result);
      if (result.answer !== "") {
        result.pieces = 1;
        result.ttftMs = performance.now() - started;
      }
    } else {
      const frames = new SseFrames();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (result.rawResponse.length < RAW_LIMIT_CHARS) result.rawResponse += value;
        const before = result.answer.length;
        for (const data of frames.push(value)) readChunk(data, result);
        if (result.answer.length > before) {
          result.pieces++;
          if (result.ttftMs === null) result.ttftMs = performance.now() - started;
        }
        emit();
      }
    }
  } catch (error) {
    result.error = signal.aborted ? "stopped" : `the request failed: ${(error as Error).message}`;
  }
  result.running = false;
  result.totalMs = performance.now() - started;
  emit();
}

interface Chunk {
  choices?: { delta?: { content?: string | null }; text?: string; message?: { content?: string | null } }[];
  usage?: PlaygroundResult["usage"];
  data?: { embedding?: number[] | string }[];
  error?: { message?: string };
}

function readChunk(data: string, result: PlaygroundResult): void {
  if (data === "[DONE]") return;
  let chunk: Chunk;
  try {
    chunk = JSON.parse(data) as Chunk;
  } catch {
    return;
  }
  if (chunk.error !== undefined) result.error = chunk.error.message ?? "the stream ended with an error";
  const choice = chunk.choices?.[0];
  const piece = choice?.delta?.content ?? choice?.text ?? "";
  if (piece !== "") result.answer += piece;
  if (chunk.usage) readUsage(chunk.usage, result);
}

function readUsage(usage: NonNullable<PlaygroundResult["usage"]>, result: PlaygroundResult): void {
  result.usage = usage;
  // Fixed decimals: a small cost as a JS number would print as 1e-7.
  if (typeof usage.cost === "number") result.costUsd = usage.cost.toFixed(9).replace(/\.?0+$/, "");
}

function readWhole(text: string, ok: boolean, result: PlaygroundResult): void {
  let body: Chunk;
  try {
    body = JSON.parse(text) as Chunk;
  } catch {
    result.error = "the answer is not JSON";
    return;
  }
  if (!ok || body.error !== undefined) {
    result.error = body.error?.message ?? `the gateway answered ${result.status}`;
    return;
  }
  if (body.usage) readUsage(body.usage, result);
  const embeddings = body.data;
  if (embeddings !== undefined) {
    const first = embeddings[0]?.embedding;
    const vector = Array.isArray(first) ? first : [];
    result.answer = `${embeddings.length} embedding(s) of ${vector.length} dimensions; the first begins [${vector
      .slice(0, 6)
      .map((value) => value.toFixed(4))
      .join(", ")}${vector.length > 6 ? ", …" : ""}]`;
    return;
  }
  const choice = body.choices?.[0];
  result.answer = choice?.message?.content ?? choice?.text ?? "";
}
