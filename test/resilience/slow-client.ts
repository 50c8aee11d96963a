import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface SlowClientResult {
  /** Whatever the server wrote before the connection closed (a 408, or nothing). */
  received: string;
  /** False when the server still had not closed the connection at the deadline. */
  closedByServer: boolean;
}

/**
 * A client that sends `opening` at once and then `drip` one byte every `everyMs`, never finishing its request:
 * a slow or malicious client holding a connection. Resolves when the server closes the connection, or at
 * `deadlineMs`; `whileOpen` runs as soon as the connection is established, to show that others are served.
 */
export async function holdSlowConnection(
  baseUrl: string,
  opening: string,
  options: { everyMs?: number; deadlineMs?: number; whileOpen?: () => Promise<void> } = {},
): Promise<SlowClientResult> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  let received = "";
  let open = true;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("utf8");
  });
  // A reset is one of the ways a server closes a connection; writing to it afterwards fails the same way.
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  void closed.then(() => {
    open = false;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.write(opening);
  const deadline = Date.now() + (options.deadlineMs ?? 10_000);
  const dripping = (async () => {
    while (open && Date.now() < deadline) {
      socket.write("a");
      await sleep(options.everyMs ?? 50);
    }
  })();
  await options.whileOpen?.();
  await dripping;
  const closedByServer = !open;
  socket.destroy();
  await closed;
  return { received, closedByServer };
}
