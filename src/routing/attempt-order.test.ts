import { describe, expect, it } from "vitest";
import { orderTargets } from "./attempt-order.js";

const targets = [
  { name: "a", weight: 1 },
  { name: "b", weight: 3 },
  { name: "c", weight: 0.5 },
];

describe("orderTargets", () => {
  it("keeps config order for the fallback strategy", () => {
    expect(orderTargets(targets, "fallback", () => 0.99).map((target) => target.name)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it.each([
    // Total weight 4.5: a draw below 1/4.5 picks a, below 4/4.5 picks b, else c; then again among the rest.
    [
      [0.1, 0.1],
      ["a", "b", "c"],
    ],
    [
      [0.5, 0.1],
      ["b", "a", "c"],
    ],
    [
      [0.95, 0.9],
      ["c", "b", "a"],
    ],
  ])("draws a weighted order (draws %j give %j)", (draws, expected) => {
    const queue = [...draws];
    expect(orderTargets(targets, "weighted", () => queue.shift() ?? 0).map((target) => target.name)).toEqual(
      expected,
    );
  });

  it("puts the heavier target first in proportion to its weight", () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const firsts = { a: 0, b: 0, c: 0 };
    for (let round = 0; round < 9000; round++) {
      const first = orderTargets(targets, "weighted", random)[0]?.name as keyof typeof firsts;
      firsts[first]++;
    }
    // Expected shares: a 22%, b 67%, c 11%; a wide margin keeps this a check of the proportions, not of luck.
    expect(firsts.b / 9000).toBeGreaterThan(0.6);
    expect(firsts.a / 9000).toBeGreaterThan(0.17);
    expect(firsts.c / 9000).toBeGreaterThan(0.07);
  });

  it("always includes every target once", () => {
    const order = orderTargets(targets, "weighted");
    expect(order.map((target) => target.name).sort()).toEqual(["a", "b", "c"]);
  });
});
