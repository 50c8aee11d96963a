import { connect } from "node:net";

/**
 * Privileged ports (below 1024) that nothing on a test machine listens on. Test servers listen on port 0, which
 * the system answers from its ephemeral range (32768 and up on Linux), so none of them is ever given one of
 * these, however many run alongside. (A port the system had just handed out and got back was given to another
 * test's server now and then, which then answered instead of refusing.) None is on fetch's list of bad ports,
 * which fetch refuses without trying.
 */
const CANDIDATES = [4, 5, 6, 8, 10, 12];

/** A loopback URL on which nothing listens: connecting to it is refused. */
export async function closedPortUrl(): Promise<string> {
  for (const port of CANDIDATES) if (await refuses(port)) return `http://127.0.0.1:${port}`;
  throw new Error(`every one of the loopback ports ${CANDIDATES.join(", ")} accepts connections`);
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}
