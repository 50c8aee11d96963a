/** One Server-Sent Events message. `event` is absent when the message has no `event:` field. */
export interface SseFrame {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Incremental SSE parser (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * feed it bytes as they arrive, split anywhere (even inside a UTF-8 sequence or a CRLF), and it returns the
 * complete messages so far. Comments and `retry:` are ignored; a message with no data lines is dropped.
 */
export class SseDecoder {
  private readonly text = new TextDecoder("utf-8");
  /** The text after the last line break, in the pieces it arrived in: joined only once its line ends, so a
   * long line that arrives in many chunks costs linear time. */
  private partial: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private data: string[] = [];
  private endedWithCarriageReturn = false;

  push(chunk: Uint8Array | string): SseFrame[] {
    let incoming = typeof chunk === "string" ? chunk : this.text.decode(chunk, { stream: true });
    // A CRLF split across chunks: the CR ended the previous line, so the LF is not another (empty) line.
    if (this.endedWithCarriageReturn && incoming.startsWith("\n")) incoming = incoming.slice(1);
    this.endedWithCarriageReturn = incoming.endsWith("\r");
    const frames: SseFrame[] = [];
    let start = 0;
    for (let position = 0; position < incoming.length; position++) {
      const char = incoming.charCodeAt(position);
      if (char !== 10 && char !== 13) continue;
      let line = incoming.slice(start, position);
      if (this.partial.length > 0) {
        line = this.partial.join("") + line;
        this.partial = [];
      }
      if (char === 13 && incoming.charCodeAt(position + 1) === 10) position++;
      start = position + 1;
      const frame = this.processLine(line);
      if (frame !== undefined) frames.push(frame);
    }
    if (start < incoming.length) this.partial.push(incoming.slice(start));
    return frames;
  }

  /** Text left over after the last line break: non-empty means the stream was cut inside a line. */
  get pendingText(): string {
    return this.partial.join("");
  }

  /** Whether a message has started (some field seen) but not been ended by a blank line. */
  get hasPartialMessage(): boolean {
    return this.partial.length > 0 || this.data.length > 0 || this.event !== undefined;
  }

  private processLine(line: string): SseFrame | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
    return undefined;
  }

  private dispatch(): SseFrame | undefined {
    const frame: SseFrame | undefined = this.data.length === 0 ? undefined : { data: this.data.join("\n") };
    if (frame !== undefined && this.event !== undefined) frame.event = this.event;
    if (frame !== undefined && this.id !== undefined) frame.id = this.id;
    this.data = [];
    this.event = undefined;
    return frame;
  }
}
