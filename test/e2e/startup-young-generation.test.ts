import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * A worker holds V8's young generation at its first size while it starts, and lets it grow once it serves
 * (server/startup-young-generation.ts). Each case runs in a fresh Node process, from dist/ (a V8 flag, once set,
 * stays for the process): it allocates what start-up does (many objects that live on), reads its new space's
 * size, ends start-up, allocates as much again and reads it again.
 */
const MODULE = pathToFileURL(
  fileURLToPath(new URL("../../dist/server/startup-young-generation.js", import.meta.url)),
).href;

interface NewSpace {
  /** After the start-up allocation. */
  starting: number;
  /** After as much again, once start-up ended. */
  serving: number;
}

function newSpaceSizes(nodeOptions: string, held: boolean): NewSpace {
  const script = `
    import { getHeapSpaceStatistics } from "node:v8";
    import { endStartup, holdYoungGeneration } from ${JSON.stringify(MODULE)};
    if (${held}) holdYoungGeneration();
    const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space").space_size;
    const kept = [];
    const allocate = () => {
      for (let index = 0; index < 300_000; index++) kept.push({ index, name: "item " + index });
    };
    allocate();
    const starting = newSpace();
    endStartup();
    allocate();
    console.log(JSON.stringify({ starting, serving: newSpace() }));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });
  return JSON.parse(output) as NewSpace;
}

describe("the young generation while a worker starts", () => {
  it("stays at its first size during start-up, and grows as usual once the worker serves", () => {
    const held = newSpaceSizes("", true);
    const usual = newSpaceSizes("", false);
    // Without the hold, start-up's surviving objects grow the new space several times over.
    expect(usual.starting).toBeGreaterThanOrEqual(4 * held.starting);
    expect(held.serving).toBeGreaterThanOrEqual(4 * held.starting);
  });

  it("leaves a young generation that Node's options tune alone", () => {
    const tuned = newSpaceSizes("--max-semi-space-size=64", true);
    const held = newSpaceSizes("", true);
    expect(tuned.starting).toBeGreaterThanOrEqual(4 * held.starting);
  });
});
