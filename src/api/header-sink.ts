/**
 * Where computed headers are written: a Fastify reply (straight into its headers, with no object per response to
 * copy them from), or a plain header object for a stream the gateway writes around the reply.
 */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** A sink that fills `headers`. */
export function objectSink(headers: Record<string, string>): HeaderSink {
  return {
    header: (name, value) => {
      headers[name] = value;
    },
  };
}
