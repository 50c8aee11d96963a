/** A request waiting for its turn: how to start it, and since when it waits. */
interface Waiting {
  begin: () => void;
  sinceMs: number;
}

/** Past this many started entries, the queue's array is compacted (a queue that never empties must not grow). */
const COMPACT_AFTER = 1024;

/**
 * New requests start in turns of the event loop, at most `perTurn` in each (`server.overload.new_requests_per_turn`).
 *
 * Why: Node runs every callback that is ready in one turn before it looks at its sockets again. A burst of new
 * requests that arrive together (a thousand agents opening their streams) is set up in one go, hundreds of
 * microseconds each, and meanwhile no running stream gets the chunks its upstream has sent: on one worker,
 * 1,024 streams started at once left up to all of them silent for more than 250 ms. Started in turns, the loop
 * relays what arrived between every `perTurn` set-ups, so a burst makes new requests wait, first come first
 * served, instead of the streams already under way.
 *
 * A request that starts at once costs a counter and, once per turn, a `setImmediate` that opens the next turn.
 * The wait of the oldest request still queued is what load shedding compares with its delay limit, since a
 * loop that turns often no longer shows the backlog in its own delay (load-shedding.ts).
 */
export class RequestTurns {
  private startedThisTurn = 0;
  private turnScheduled = false;
  private waiting: Waiting[] = [];
  private head = 0;

  constructor(
    private readonly perTurn: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly schedule: (callback: () => void) => unknown = setImmediate,
  ) {}

  /** Starts `begin` now when this turn has room and nothing waits before it; answers false (nothing done) if not. */
  tryStart(begin: () => void): boolean {
    if (this.head !== this.waiting.length || this.startedThisTurn >= this.perTurn) return false;
    this.startedThisTurn++;
    this.scheduleTurn();
    begin();
    return true;
  }

  /** Starts `begin` in a later turn, after those already waiting. */
  enqueue(begin: () => void): void {
    this.waiting.push({ begin, sinceMs: this.clock() });
    this.scheduleTurn();
  }

  /** Requests accepted and not yet started. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** How long the oldest request not yet started has waited, in ms (0 when none waits). */
  oldestWaitMs(): number {
    const oldest = this.waiting[this.head];
    return oldest === undefined ? 0 : this.clock() - oldest.sinceMs;
  }

  private scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    this.schedule(this.nextTurn);
  }

  /**
   * Runs after the loop has handled the sockets that were ready (the check phase): starts up to `perTurn` of
   * those waiting, and opens the turn after it while any wait.
   */
  private readonly nextTurn = (): void => {
    this.turnScheduled = false;
    this.startedThisTurn = 0;
    while (this.head < this.waiting.length && this.startedThisTurn < this.perTurn) {
      const next = this.waiting[this.head] as Waiting;
      this.head++;
      this.startedThisTurn++;
      next.begin();
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    // The requests started here count against the turn they started in; the next one resets the count.
    if (this.startedThisTurn > 0) this.scheduleTurn();
  };
}
