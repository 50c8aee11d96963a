/**
 * W3C trace context for upstream calls (`traceparent`, `tracestate`). Tracing, when it is on, installs an
 * injector once per process; without one, upstream headers are sent as they are, at no cost.
 */
type TraceHeaderInjector = (headers: Record<string, string>) => Record<string, string>;

let injector: TraceHeaderInjector | undefined;

export function setTraceHeaderInjector(inject: TraceHeaderInjector | undefined): void {
  injector = inject;
}

/** The headers to send upstream: the call's own, plus the current attempt's trace context when tracing. */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  return injector === undefined ? headers : injector(headers);
}
