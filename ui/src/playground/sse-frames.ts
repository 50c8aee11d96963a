/**
 * Splits a text/event-stream into the data of its events as bytes arrive, for the playground's `fetch` (an
 * EventSource cannot POST). Frames end with a blank line; a frame's `data:` lines join with newlines.
 */
export class SseFrames {
  private buffer = "";

  push(text: string): string[] {
    this.buffer += text;
    const frames = this.buffer.split(/\r\n\r\n|\n\n|\r\r/);
    this.buffer = frames.pop() ?? "";
    const data: string[] = [];
    for (const frame of frames) {
      const lines = frame
        .split(/\r\n|\n|\r/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5));
      if (lines.length > 0) data.push(lines.join("\n"));
    }
    return data;
  }
}
