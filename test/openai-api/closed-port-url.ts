import { freeLoopbackPort } from "../support/free-port.js";

/** A loopback URL on which nothing listens: a port the OS just handed out and got back. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freeLoopbackPort()}`;
}
