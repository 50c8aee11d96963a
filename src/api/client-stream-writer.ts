import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { gatewaySecrets, type StreamRedactor } from "../observability/secret-set.js";
import { redactHeaderValues } from "./response-redaction.js";

/**
 * The client's side of a stream the gateway writes itself (a hijacked reply, past Fastify's hooks): headers and
 * every byte go out through secret redaction, and writes wait for the socket to drain when the client reads
 * slowly. A secret split across chunks is still redacted: the few trailing bytes that could start one are held
 * until the next write, or the end, shows what they are.
 */
export class ClientStreamWriter {
  private readonly redactor: StreamRedactor = gatewaySecrets.createStreamRedactor();

  constructor(
    readonly response: ServerResponse,
    status: number,
    headers: OutgoingHttpHeaders,
  ) {
    response.writeHead(status, redactHeaderValues(headers));
  }

  get destroyed(): boolean {
    return this.response.destroyed;
  }

  /** Writes, and when the socket's buffer is full waits until it drains (or the client leaves). */
  write(data: string | Uint8Array): Promise<void> | undefined {
    const bytes = this.redactor.push(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    return bytes.length === 0 ? undefined : writeDraining(this.response, bytes);
  }

  end(): void {
    const rest = this.redactor.end();
    if (rest.length > 0 && !this.response.destroyed) this.response.write(rest);
    this.response.end();
  }
}

function writeDraining(response: ServerResponse, bytes: Uint8Array): Promise<void> | undefined {
  if (response.destroyed || response.write(bytes)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
