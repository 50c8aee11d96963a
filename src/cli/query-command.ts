import { readFile } from "node:fs/promises";
import { GatewayClient, type QueryRequest } from "../client/index.js";
import { errorLine, gatewayKeyHeaders, resolveGatewayUri } from "./gateway-uri-option.js";

export interface QueryCommandOptions {
  route: string;
  /** A JSON object, or `@file` to read it from a file (`@-` for standard input). */
  data: string;
  gatewayUri?: string;
}

const EXAMPLE = `'{"messages":[{"role":"user","content":"Hello"}]}'`;

/**
 * `switchyard query ROUTE --data JSON|@file`: sends one query to a running gateway and prints the response as
 * indented JSON. Exit code 0 on success, 1 on any error (printed to stderr as one line).
 */
export async function queryCommand(options: QueryCommandOptions): Promise<number> {
  try {
    const data = parseData(await readData(options.data));
    const client = new GatewayClient(resolveGatewayUri(options.gatewayUri), { headers: gatewayKeyHeaders() });
    // The gateway checks the body against the route's type and explains any mismatch.
    const response = await client.query(options.route, data as unknown as QueryRequest);
    process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(errorLine(error));
    return 1;
  }
}

async function readData(data: string): Promise<string> {
  if (!data.startsWith("@")) return data;
  const file = data.slice(1);
  try {
    return file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? (error instanceof Error ? error.message : error);
    throw new Error(`cannot read the --data file '${file}' (${String(reason)}).`);
  }
}

function parseData(text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`--data is not valid JSON (${(error as Error).message}); for example: --data ${EXAMPLE}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new Error(`--data must be a JSON object, for example: --data ${EXAMPLE}`);
  }
  return data as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
