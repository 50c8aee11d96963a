import { setTimeout as sleep } from "node:timers/promises";
import { type ParsedSseMessage, parseSseText } from "../mock-upstream/index.js";

/** The two client APIs the suites query chat routes through. */
export type ClientApi = "openai" | "mlflow";
export const CLIENT_APIS: ClientApi[] = ["openai", "mlflow"];

/** A whole answer, with what the resilience headers say about how it was obtained. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
  text: string;
  /** `x-switchyard-target`, `x-switchyard-attempts`; null when absent. */
  target: string | null;
  attempts: number | null;
  /** The assistant text of a successful chat answer, in either API's shape. */
  content: string | undefined;
}

/** No request of these suites may hang: a missing answer fails the test with a clear message instead. */
const CLIENT_DEADLINE_MS = 15_000;

/** Asks a chat route for an answer to `content` (one user message) through the given API. */
export async function askChat(
  baseUrl: string,
  api: ClientApi,
  route: string,
  content = "hello",
  extra: Record<string, unknown> = {},
): Promise<Answer> {
  const messages = [{ role: "user", content }];
  const [path, body] =
    api === "openai"
      ? ["/v1/chat/completions", { model: route, messages, ...extra }]
      : [`/gateway/${route}/invocations`, { messages, ...extra }];
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
  });
  return readAnswer(response);
}

export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const attempts = response.headers.get("x-switchyard-attempts");
  return {
    status: response.status,
    headers: response.headers,
    body,
    text,
    target: response.headers.get("x-switchyard-target"),
    attempts: attempts === null ? null : Number(attempts),
    content: contentOf(body),
  };
}

function contentOf(body: unknown): string | undefined {
  const record = body as {
    choices?: { message?: { content?: unknown } }[];
    candidates?: { message?: { content?: unknown } }[];
  };
  const content = (record?.choices ?? record?.candidates)?.[0]?.message?.content;
  return typeof content === "string" ? content : undefined;
}

/** A streamed answer read to its end (or to the connection breaking). */
export interface StreamAnswer {
  status: number;
  headers: Headers;
  text: string;
  messages: ParsedSseMessage[];
  /** The last message is `[DONE]`. */
  done: boolean;
  /** The parsed data of the first `{"error": ...}` frame, if any. */
  errorFrame: { error: { message: string; type: string; code: string | null } } | undefined;
  /** The streamed assistant text, joined. */
  content: string;
}

/** Opens a streaming chat completion through the OpenAI API; resolves once the response headers are in. */
export async function openChatStream(baseUrl: string, route: string, content = "hello"): Promise<Response> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: route, messages: [{ role: "user", content }], stream: true }),
    signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
  });
}

/** Reads a stream to its end. A connection that breaks ends the text where it broke. */
export async function readStream(response: Response): Promise<StreamAnswer> {
  return readRestOfStream(response, (response.body as ReadableStream<Uint8Array>).getReader());
}

/** Reads what is left of a stream after `text` (what the caller already read with `decoder`). */
export async function readRestOfStream(
  response: Response,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  text = "",
  decoder = new TextDecoder(),
): Promise<StreamAnswer> {
  let received = text;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) break;
      received += decoder.decode(next.value, { stream: true });
    }
  } catch {
    // The connection broke: what arrived is the answer, and `done` tells the test it was not clean.
  }
  return streamAnswer(response, received);
}

function streamAnswer(response: Response, text: string): StreamAnswer {
  const messages = parseSseText(text);
  let content = "";
  let errorFrame: StreamAnswer["errorFrame"];
  for (const message of messages) {
    if (message.data === "[DONE]") continue;
    const data = JSON.parse(message.data) as {
      error?: unknown;
      choices?: { delta?: { content?: unknown } }[];
    };
    if (data.error !== undefined) errorFrame ??= data as NonNullable<StreamAnswer["errorFrame"]>;
    const piece = data.choices?.[0]?.delta?.content;
    if (typeof piece === "string") content += piece;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    messages,
    done: messages.at(-1)?.data === "[DONE]",
    errorFrame,
    content,
  };
}

export async function streamChat(baseUrl: string, route: string, content = "hello"): Promise<StreamAnswer> {
  return readStream(await openChatStream(baseUrl, route, content));
}

/** The circuit state of each target of a route (`provider/model` -> state), from the route information API. */
export async function circuitStates(baseUrl: string, route: string): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/api/2.0/gateway/routes/${route}`);
  const body = (await response.json()) as { health: { targets: { target: string; circuit: string }[] } };
  return Object.fromEntries(body.health.targets.map((entry) => [entry.target, entry.circuit]));
}

/** Waits until `condition` holds, polling; fails with `what` after a generous deadline. Never a timing check. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

/** Runs `count` tasks with at most `concurrency` at once; returns their results in task order. */
export async function runConcurrently<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
