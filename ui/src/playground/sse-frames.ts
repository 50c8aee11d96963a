/** One Server-Sent Event: its name (`message` when the frame names none) and its data. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into its events as bytes arrive, for a `fetch` (an EventSource can neither POST
 * nor send an Authorization header). Frames end with a blank line; a frame's `data:` lines join with newlines.
 */
export class SseFrames {
  private buffer = "";

  /** The data of the events completed by `text`. */
  push(text: string): string[] {
    return this.pushEvents(text).map((event) => event.data);
  }

  pushEvents(text: string): SseEvent[] {
    this.buffer += text;
    const frames = this.buffer.split(/\r\n\r\n|\n\n|\r\r/);
    this.buffer = frames.pop() ?? "";
    const events: SseEvent[] = [];
    for (const frame of frames) {
      let event = "message";
      const data: string[] = [];
      for (const line of frame.split(/\r\n|\n|\r/)) {
        const value = (name: string): string =>
          line.slice(line.startsWith(`${name}: `) ? name.length + 2 : name.length + 1);
        if (line.startsWith("data:")) data.push(value("data"));
        else if (line.startsWith("event:")) event = value("event");
      }
      if (data.length > 0) events.push({ event, data: data.join("\n") });
    }
    return events;
  }
}
