import cluster from "node:cluster";
import { createServer } from "node:http";
import { Pool } from "undici";

/**
 * The practical limit for a Node proxy: node:http in, undici out, bytes piped both ways, nothing parsed.
 * It forwards every request to the upstream origin with the same method, path and body.
 * Usage: node bare-proxy.js <port> <upstream origin> [processes]
 */

const port = Number(process.argv[2] ?? 18101);
const origin = process.argv[3] ?? "http://127.0.0.1:18100";
const processes = Number(process.argv[4] ?? 1);

if (cluster.isPrimary && processes > 1) {
  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === processes) process.stdout.write(`bare proxy listening on http://127.0.0.1:${port}\n`);
  });
  for (let index = 0; index < processes; index++) cluster.fork();
} else {
  // No connection cap: every client connection may hold an upstream one (long streams).
  const pool = new Pool(origin, { keepAliveTimeout: 30_000 });
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (request, response) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const length = request.headers["content-length"];
    if (length !== undefined) headers["content-length"] = length;
    pool
      .request({ method: "POST", path: request.url ?? "/", headers, body: request })
      .then(({ statusCode, headers: upstreamHeaders, body }) => {
        response.writeHead(statusCode, { "content-type": String(upstreamHeaders["content-type"] ?? "") });
        body.pipe(response);
        response.on("close", () => body.destroy());
      })
      .catch(() => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
  });
  server.listen(port, "127.0.0.1", () => {
    if (processes === 1) process.stdout.write(`bare proxy listening on http://127.0.0.1:${port}\n`);
  });
}
process.on("SIGTERM", () => process.exit(0));
