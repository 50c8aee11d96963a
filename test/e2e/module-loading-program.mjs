// Builds a gateway (as a worker does) from the YAML config in argv[2] and prints, as one JSON line, every module
// URL Node resolved meanwhile. A resolve hook (registered before anything of the gateway loads) reports each URL
// that `import` resolved; CommonJS modules loaded by `require` (inside a package, or through createRequire) are
// added from the require cache.
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";

const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;
const MARKER = "data:text/javascript,export default 'end of the module list'";

const { port1, port2 } = new MessageChannel();
const resolved = [];
let markerSeen;
const markerArrived = new Promise((resolve) => {
  markerSeen = resolve;
});
port1.on("message", (url) => {
  if (url === MARKER) markerSeen();
  else resolved.push(url);
});
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
  data: { port: port2 },
  transferList: [port2],
});

const dist = new URL("../../dist/", import.meta.url);
const { parseConfig } = await import(new URL("config/parse-config.js", dist).href);
const { GatewayInstance } = await import(new URL("server/gateway-instance.js", dist).href);
const parsed = parseConfig(process.argv[2], "/virtual/config.yaml", {});
if (!parsed.ok) throw new Error(`invalid config: ${JSON.stringify(parsed.issues)}`);
const instance = await GatewayInstance.create({ config: parsed.config });
await instance.close();
// Messages arrive in order: once the marker's resolve is reported, every earlier one has been.
await import(MARKER);
await markerArrived;
port1.close();
const required = Object.keys(createRequire(import.meta.url).cache).map((path) => pathToFileURL(path).href);
process.stdout.write(`${JSON.stringify([...new Set([...resolved, ...required])])}\n`);
