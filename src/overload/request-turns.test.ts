import { describe, expect, it } from "vitest";
import { RequestTurns } from "./request-turns.js";

/** Turns run by hand: what `setImmediate` would run after the loop's next look at its sockets. */
function manualTurns(perTurn: number) {
  let nowMs = 0;
  const scheduled: (() => void)[] = [];
  const turns = new RequestTurns(
    perTurn,
    () => nowMs,
    (callback) => scheduled.push(callback),
  );
  return {
    turns,
    advance(ms: number): void {
      nowMs += ms;
    },
    /** Runs the turn that was scheduled; answers whether one was. */
    nextTurn(): boolean {
      const callbacks = scheduled.splice(0);
      for (const callback of callbacks) callback();
      return callbacks.length > 0;
    },
  };
}

/** Offers requests 0..count-1 in this turn, each started the way load-shedding.ts starts one. */
function offer(turns: RequestTurns, count: number, started: number[], first = 0): void {
  for (let index = first; index < first + count; index++) {
    const begin = () => started.push(index);
    if (!turns.tryStart(begin)) turns.enqueue(begin);
  }
}

describe("new requests started in turns", () => {
  it("start at most perTurn in one turn, the rest in the next turns, in the order they came", () => {
    const { turns, nextTurn } = manualTurns(3);
    const started: number[] = [];
    offer(turns, 8, started);
    expect(started).toEqual([0, 1, 2]);
    expect(turns.queued).toBe(5);
    expect(nextTurn()).toBe(true);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(nextTurn()).toBe(true);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(turns.queued).toBe(0);
  });

  it("start at once while a turn has room, and a new turn has all of it again", () => {
    const { turns, nextTurn } = manualTurns(2);
    const started: number[] = [];
    offer(turns, 2, started);
    expect(started).toEqual([0, 1]);
    // The turn that opens resets the count; with nothing started in it, no further turn is scheduled.
    expect(nextTurn()).toBe(true);
    expect(nextTurn()).toBe(false);
    offer(turns, 2, started, 2);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("never let a newcomer pass those already waiting, even in a turn with room", () => {
    const { turns, nextTurn } = manualTurns(2);
    const started: number[] = [];
    offer(turns, 4, started);
    nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
    // Requests 2 and 3 used this turn's room: 4 waits for the next, behind nobody.
    offer(turns, 1, started, 4);
    expect(started).toEqual([0, 1, 2, 3]);
    nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("say how long the oldest waiting request has waited", () => {
    const { turns, advance, nextTurn } = manualTurns(1);
    expect(turns.oldestWaitMs()).toBe(0);
    offer(turns, 1, []);
    advance(5);
    offer(turns, 2, [], 1);
    advance(40);
    expect(turns.oldestWaitMs()).toBe(40);
    nextTurn();
    expect(turns.oldestWaitMs()).toBe(40);
    nextTurn();
    expect(turns.oldestWaitMs()).toBe(0);
  });

  it("drain a long queue, in order", () => {
    const { turns, nextTurn } = manualTurns(1);
    const started: number[] = [];
    offer(turns, 3000, started);
    while (turns.queued > 0) nextTurn();
    expect(started).toHaveLength(3000);
    expect(started.every((value, index) => value === index)).toBe(true);
  });
});
