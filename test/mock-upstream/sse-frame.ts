/** One SSE message; `data` is JSON-encoded unless it is already a string (e.g. "[DONE]"). */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`;
}

export interface ParsedSseMessage {
  event: string | undefined;
  data: string;
}

/** Splits a complete SSE body into messages (enough for the mocks' own output and the self-tests; not a
 * general decoder: no comments, ids or retry fields, LF line ends only). */
export function parseSseText(text: string): ParsedSseMessage[] {
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice("event: ".length);
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice("data: ".length))
        .join("\n");
      return { event, data };
    });
}
