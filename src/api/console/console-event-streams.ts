import type { ServerResponse } from "node:http";
import { CONSOLE_SERVICE, type ConsoleCall } from "../../console/console-service.js";
import type { TrafficUpdate } from "../../console/console-wire.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import { encodeSseFrame } from "../../framing/sse-encoder.js";
import { gatewaySecrets } from "../../observability/secret-set.js";

/** When, after each second, a page's stream asks for it: after the workers' reports (50 ms past) arrived. */
const TICK_OFFSET_MS = 400;

/**
 * The open `events` streams of the console's pages in this process. Each page gets the kept history on
 * connect (`snapshot`), then each second as it completes (`tick`), both read from the owner, so every worker
 * streams the same data. Bounded: at most `maxStreams` at once, and a page that reads too slowly misses ticks
 * (the next one carries every second since) rather than making the process buffer for it.
 */
export class ConsoleEventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly coordinator: Coordinator,
    readonly maxStreams: number,
  ) {}

  get full(): boolean {
    return this.open.size >= this.maxStreams;
  }

  async start(
    response: ServerResponse,
    route: string | null,
    headers: Record<string, string>,
  ): Promise<void> {
    this.open.add(response);
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    response.once("close", () => {
      closed = true;
      clearTimeout(timer);
      this.open.delete(response);
    });
    response.writeHead(200, headers);
    let last: number | null = null;
    const send = async (event: "snapshot" | "tick"): Promise<void> => {
      const call: ConsoleCall = { op: "traffic", route, after: last };
      const update = (await this.coordinator.call(CONSOLE_SERVICE, call, {
        timeoutMs: 2000,
      })) as TrafficUpdate;
      // A page still reading the previous update gets these seconds with the next one it can take.
      if (response.destroyed || response.writableNeedDrain) return;
      response.write(gatewaySecrets.redactText(encodeSseFrame(JSON.stringify(update), event)));
      const newest = update.points.at(-1);
      if (newest !== undefined) last = newest.t;
    };
    const schedule = (): void => {
      // A tick in flight when the page left must not start another.
      if (closed) return;
      timer = setTimeout(
        () => {
          send("tick").then(schedule, () => schedule());
        },
        1000 - (Date.now() % 1000) + TICK_OFFSET_MS,
      );
    };
    try {
      await send("snapshot");
    } catch {
      // The owner did not answer: the page shows no history, and the next tick tries again.
      if (!response.destroyed)
        response.write(encodeSseFrame('{"message":"the console data is unavailable"}', "unavailable"));
    }
    schedule();
  }

  /** Ends every stream, so that closing the server is not held up by pages left open. */
  closeAll(): void {
    for (const response of this.open) response.end();
    this.open.clear();
  }
}
