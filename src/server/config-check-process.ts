import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ConfigVerdict } from "./config-verdict.js";

const ENTRY = fileURLToPath(new URL("./config-check-main.js", import.meta.url));
/** A check reads the file's key files at most: minutes would mean it hangs (a key file that is a FIFO, say). */
const CHECK_TIMEOUT_MS = 120_000;

/**
 * Checks a config file's text in a short-lived child process and resolves with its verdict. The primary process
 * lives as long as the gateway: validating in it would keep zod, every provider's config schema and the dialect
 * code they import in its memory for good (about 30 MiB), for a check made at start and on reloads. The child
 * inherits the environment, so `${VAR}` references and key files resolve as they would in the primary. A child
 * that fails to answer is a verdict too (not ok, saying why), so the caller keeps its config.
 */
export function checkConfigInChildProcess(
  text: string,
  file: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<ConfigVerdict> {
  return new Promise((resolve) => {
    const child = fork(ENTRY, [], {
      serialization: "json",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      // A primary run under --inspect has the debugger's port: the child would fail to take it again.
      execArgv: process.execArgv.filter((argument) => !argument.startsWith("--inspect")),
    });
    let answer: ConfigVerdict | undefined;
    let settled = false;
    const settle = (verdict: ConfigVerdict): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(verdict);
    };
    const failed = (why: string): ConfigVerdict => ({
      ok: false,
      issues: [{ file, message: `the config could not be checked: ${why}` }],
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      settle(answer ?? failed(`the check took longer than ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.once("message", (verdict: unknown) => {
      answer = verdict as ConfigVerdict;
    });
    // Settled once the child is gone (it exits right after answering) and its channel is closed (so its answer,
    // if any, has been read): the processes the primary starts next, its workers, are then its only children.
    let ended: string | undefined;
    let disconnected = false;
    const settleWhenGone = (): void => {
      if (ended !== undefined && disconnected)
        settle(answer ?? failed(`its process ended (${ended}) without a verdict`));
    };
    child.once("exit", (code, signal) => {
      ended = signal ?? `exit code ${code}`;
      settleWhenGone();
    });
    child.once("disconnect", () => {
      disconnected = true;
      settleWhenGone();
    });
    child.once("error", (error) => settle(answer ?? failed(error.message)));
    child.send({ text, file });
  });
}
