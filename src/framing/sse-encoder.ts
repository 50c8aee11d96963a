/** Encodes one SSE message. Data containing line breaks becomes several `data:` lines, as the format requires. */
export function encodeSseFrame(data: string, event?: string): string {
  const head = event === undefined ? "" : `event: ${event}\n`;
  if (!data.includes("\n") && !data.includes("\r")) return `${head}data: ${data}\n\n`;
  return `${head}${data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("")}\n`;
}
