import type { TracingSettings } from "./tracing-settings.js";

/** A running tracer: what the request hooks use, and how to flush the last spans on shutdown. */
export interface StartedTracing {
  settings: TracingSettings;
  /** The headers plus the current span's trace context (`traceparent`, `tracestate`), for upstream calls. */
  injectTraceHeaders(headers: Record<string, string>): Record<string, string>;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for this process: a tracer provider exporting spans in batches over OTLP/HTTP
 * (protobuf or JSON, as configured), W3C trace-context propagation, and context that follows async calls (so
 * each upstream call carries its attempt's `traceparent`). The SDK is loaded only here: a gateway without
 * tracing never loads it.
 */
export async function startTracing(settings: TracingSettings, version: string): Promise<StartedTracing> {
  const [
    { NodeTracerProvider },
    { BatchSpanProcessor },
    { resourceFromAttributes },
    { W3CTraceContextPropagator },
  ] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
  ]);
  const { OTLPTraceExporter } =
    settings.protocol === "http/json"
      ? await import("@opentelemetry/exporter-trace-otlp-http")
      : await import("@opentelemetry/exporter-trace-otlp-proto");
  const { context, propagation } = await import("@opentelemetry/api");

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName, "service.version": version }),
    // Batched: a span costs an object and an array push on the request path; export happens off it.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }))],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    settings,
    injectTraceHeaders(headers) {
      const withContext = { ...headers };
      propagation.inject(context.active(), withContext);
      return withContext;
    },
    shutdown: () => provider.shutdown(),
  };
}
