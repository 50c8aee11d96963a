import { spawnSync } from "node:child_process";

/**
 * End-to-end tests run the real CLI from dist/, so the suite builds it first: a stale build would test old
 * code. Type errors do not stop the emit here (`npm test` type-checks separately, before the tests run), so a
 * half-finished file elsewhere does not block running one test file during development.
 */
export default function setup(): void {
  const build = spawnSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
    { encoding: "utf8" },
  );
  if (build.status !== 0)
    process.stderr.write(`warning: the build reported type errors:\n${build.stdout}${build.stderr}`);
  // The web console's page (dist/ui), which the gateway serves and the browser tests load.
  const ui = spawnSync(process.execPath, ["scripts/build-ui.mjs"], { encoding: "utf8" });
  if (ui.status !== 0) throw new Error(`the console's page did not build:\n${ui.stdout}${ui.stderr}`);
}
