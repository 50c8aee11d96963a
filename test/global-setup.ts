import { execFileSync } from "node:child_process";

/**
 * End-to-end tests run the real CLI from dist/, so the suite builds it first: a stale build would test old
 * code. tsc is incremental enough here to take a few seconds.
 */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
