import { spawnSync } from "node:child_process";

/**
 * Whether a tool from Debian's packages is on this machine. Locally a suite may skip without it (with a note
 * saying what to install); in CI (`CI=true`, where `.ci/run` installs it) a missing tool is a failure.
 */
export function requireDebianTool(command: string, debianPackage: string): boolean {
  const found = spawnSync(command, ["--version"]).error === undefined;
  if (found) return true;
  const message = `${command} is not installed (Debian package '${debianPackage}': apt-get install -y ${debianPackage})`;
  if (process.env.CI === "true") throw new Error(`${message}; CI must install it (.ci/run)`);
  process.stderr.write(`skipping: ${message}\n`);
  return false;
}
