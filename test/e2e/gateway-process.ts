import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../bin/switchyard.js", import.meta.url));

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Waits until the output matches, or fails after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the CLI exactly as a user would, and returns once every worker listens. */
export async function startGatewayProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  /** How long start-up may take (several processes starting at once on a busy machine take a while). */
  startTimeoutMs = 30_000,
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [CLI, "start", "--port", "0", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = once(child, "exit");

  // Generous: a start-up on a machine busy with other test processes can take many seconds.
  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = output.match(pattern);
        if (match === null) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; output so far:\n${output}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  };

  // A gateway that refuses to start exits: fail at once with what it printed instead of waiting out the timeout.
  // "close", not "exit": it comes after the last of the output.
  const exitedEarly = once(child, "close").then(([code]) => {
    throw new Error(`the gateway exited with code ${String(code)} before listening; output:\n${output}`);
  });
  exitedEarly.catch(() => {});
  try {
    // The last start-up line: once it is out, so are the route lines before it.
    const [, url] = (await Promise.race([
      waitForOutput(/API docs at (http:\/\/\S+)\/docs/, startTimeoutMs),
      exitedEarly,
    ])) as RegExpMatchArray;
    return { url: url as string, child, output: () => output, waitForOutput, stop };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}
