import { existsSync } from "node:fs";
import { createServer } from "node:net";

/**
 * A Debian tool a test drives (nginx, openssl): its path, or undefined when it is not installed. Locally the
 * test is then skipped with a note; in CI (`CI=true`, where .ci/run installs it) a missing tool is a failure.
 */
export function debianTool(name: string, paths: string[], debianPackage: string): string | undefined {
  const found = paths.find((path) => existsSync(path));
  if (found !== undefined) return found;
  if (process.env.CI === "true") {
    throw new Error(`${name} is not installed: .ci/run must install the Debian package '${debianPackage}'`);
  }
  process.stderr.write(`skipping: ${name} is not installed (apt-get install ${debianPackage})\n`);
  return undefined;
}

/** A loopback port that was free a moment ago (for tools that cannot be told to pick one themselves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** Whether a loopback port can be listened on right now. */
export function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
