import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One span as it arrives over OTLP/HTTP JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status?: { code?: number; message?: string };
  serviceName: string;
}

export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Every span received over JSON, decoded. */
  spans: ReceivedSpan[];
  /** Every export request: content type and raw body (for the protobuf encoding). */
  exports: { path: string; contentType: string; body: Buffer }[];
  /** Waits until spans matching `predicate` have arrived. */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/** OTLP's AnyValue, decoded to a plain value. */
function decodeValue(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("boolValue" in value) return value.boolValue;
  if ("arrayValue" in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map(decodeValue);
  }
  return value;
}

function decodeAttributes(
  list: { key: string; value: Record<string, unknown> }[] = [],
): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, decodeValue(value)]));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A loopback OTLP/HTTP collector: accepts `POST /v1/traces`, decodes JSON exports and answers 200. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const exports: OtlpReceiver["exports"] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const contentType = String(request.headers["content-type"] ?? "");
    exports.push({ path: request.url ?? "", contentType, body });
    if (request.method === "POST" && request.url === "/v1/traces" && contentType.includes("json")) {
      const payload = JSON.parse(body.toString("utf8")) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: Record<string, unknown> }[] };
          scopeSpans: {
            spans: (Omit<ReceivedSpan, "attributes" | "serviceName"> & { attributes: never })[];
          }[];
        }[];
      };
      for (const resourceSpans of payload.resourceSpans) {
        const serviceName = String(decodeAttributes(resourceSpans.resource.attributes)["service.name"]);
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({ ...span, attributes: decodeAttributes(span.attributes), serviceName });
          }
        }
      }
    }
    response.writeHead(200, { "content-type": contentType || "application/json" });
    response.end(contentType.includes("json") ? "{}" : "");
    for (const waiter of waiters) waiter();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    exports,
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(spans)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(spans);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the expected spans did not arrive; received: ${JSON.stringify(spans, null, 1)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
