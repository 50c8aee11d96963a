import { isIP } from "node:net";
import { z } from "zod";

/**
 * One entry of `server.trusted_proxies`: an IPv4 or IPv6 address, or a CIDR range of them (`10.0.0.0/8`). A
 * typo here would silently trust nobody (or the wrong hosts), so anything else is a config error.
 */
export const trustedProxySchema = z.string().refine(isAddressOrRange, {
  message: "must be an IP address or a CIDR range such as 10.0.0.0/8 or 127.0.0.1",
});

function isAddressOrRange(value: string): boolean {
  const [address = "", bits, ...rest] = value.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}
