/**
 * Tracing is configured the OpenTelemetry way, through the standard environment variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/ and
 * https://opentelemetry.io/docs/specs/otel/protocol/exporter/), so a collector set up for other services works
 * unchanged. It is on when an OTLP endpoint is given, and off (nothing loaded, nothing per request) otherwise.
 */
export interface TracingSettings {
  /** The full URL spans are posted to (`…/v1/traces`). */
  tracesUrl: string;
  protocol: "http/protobuf" | "http/json";
  serviceName: string;
}

export function tracingSettingsFrom(env: NodeJS.ProcessEnv): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporters === "none") return undefined;
  const tracesUrl = tracesUrlFrom(env);
  if (tracesUrl === undefined) return undefined;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol !== undefined && protocol !== "" && protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new Error(
      `OTEL_EXPORTER_OTLP_PROTOCOL '${protocol}' is not supported: use http/protobuf (the default) or http/json`,
    );
  }
  return {
    tracesUrl,
    protocol: protocol === "http/json" ? "http/json" : "http/protobuf",
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "switchyard",
  };
}

/** The signal-specific endpoint is used as it is; the general one gets `/v1/traces` appended (as the spec says). */
function tracesUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return checkedUrl(specific, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!general) return undefined;
  checkedUrl(general, "OTEL_EXPORTER_OTLP_ENDPOINT");
  return `${general.replace(/\/+$/, "")}/v1/traces`;
}

function checkedUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} '${value}' is not a URL (e.g. http://otel-collector:4318)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${name} '${value}' must be an http:// or https:// URL (OTLP over HTTP)`);
  }
  return value;
}
