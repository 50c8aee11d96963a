import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type LoadResult, runLoad } from "./load-generator.js";
import type { HttpCall } from "./scenarios.js";

/**
 * One autocannon run in a process of its own (on the cores this one may use): several gateways can then be
 * loaded at the same time without one load generator's event loop serving all of them unevenly. The call goes
 * to the child as JSON in its arguments; the child prints its LoadResult.
 */
export function runLoadApart(
  origin: string,
  call: HttpCall,
  options: { connections: number; durationS: number },
): Promise<LoadResult> {
  const args = [fileURLToPath(import.meta.url), origin, JSON.stringify(call), JSON.stringify(options)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error !== null)
        reject(new Error(`the load on ${origin} failed: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [origin, call, options] = process.argv.slice(2);
  const result = await runLoad(origin as string, JSON.parse(call as string), JSON.parse(options as string));
  process.stdout.write(JSON.stringify(result));
}
