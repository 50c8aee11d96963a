import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PROGRAM = fileURLToPath(new URL("./cluster-program.mjs", import.meta.url));

describe("coordination across a real node:cluster", () => {
  it("serialises every worker's calls through the primary's one service and relays events to all", () => {
    const run = spawnSync(process.execPath, [PROGRAM], { encoding: "utf8", timeout: 15_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const workers = lines.filter((line) => "pid" in line);
    expect(workers).toHaveLength(2);
    // 2 workers x 200 concurrent calls, each counted exactly once by the single owner.
    expect(lines.at(-1)).toEqual({ primaryTotal: 400 });
    expect(Math.max(...workers.map((worker) => worker.maxSeen as number))).toBe(400);
    for (const worker of workers) {
      expect(worker.failure).toBe("service_failed");
      expect(worker.missing).toBe("unknown_service");
      // Each worker hears both workers' "hello", its own included.
      expect(worker.events).toBe(2);
    }
  });
});
