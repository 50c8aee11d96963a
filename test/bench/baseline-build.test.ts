import { describe, expect, it } from "vitest";
import { changedPins } from "../../bench/src/baseline-build.js";

describe("a baseline build's dependency pins", () => {
  it("names each package both builds pin at different versions", () => {
    const baseline = JSON.stringify({
      dependencies: { fastify: "5.6.1", undici: "7.30.2", pino: "10.4.0" },
      devDependencies: { vitest: "3.2.4" },
    });
    const current = JSON.stringify({
      dependencies: { fastify: "5.6.1", undici: "7.31.0", zod: "4.6.7" },
      devDependencies: { vitest: "3.2.5" },
    });
    expect(changedPins(baseline, current)).toEqual(["undici: 7.30.2 -> 7.31.0", "vitest: 3.2.4 -> 3.2.5"]);
  });

  it("has nothing to say when the pins match or only one side has a package", () => {
    const baseline = JSON.stringify({ dependencies: { fastify: "5.6.1" } });
    const current = JSON.stringify({ dependencies: { fastify: "5.6.1", undici: "7.30.2" } });
    expect(changedPins(baseline, current)).toEqual([]);
  });
});
